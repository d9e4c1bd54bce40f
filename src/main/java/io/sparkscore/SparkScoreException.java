package io.sparkscore;

/**
 * Root of every failure sparkscore reports to its user. Each layer of the house has its own subclass carrying the
 * structured fields that layer knows (file, layer, column, row key, option): {@code model.ModelException},
 * {@code job.ConfigurationException}, {@code job.DataException}, {@code calibration.CalibrationException},
 * {@code runtime.PredictionException} and {@code job.JobFailedException}. Messages say what was asked, what was found
 * and the fix; the cause is always chained. Which exit code a failure gives is decided by the CLI alone.
 */
public abstract class SparkScoreException extends RuntimeException {

    protected SparkScoreException(String message) {
        super(message);
    }

    protected SparkScoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
