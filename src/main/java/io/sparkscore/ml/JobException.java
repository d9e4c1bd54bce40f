package io.sparkscore.ml;

import io.sparkscore.SparkScoreException;

/**
 * Root of job-level failures: {@link ConfigurationException} (options, paths: the user's to fix before rerunning),
 * {@link DataException} (schema, bad rows, reconciliation) and {@link JobFailedException} (the run itself failed:
 * Spark, I/O). The factories name the kind at the throw site; the CLI maps each kind to its exit code.
 */
public abstract class JobException extends SparkScoreException {

    protected JobException(String message) {
        super(message);
    }

    protected JobException(String message, Throwable cause) {
        super(message, cause);
    }

    public static ConfigurationException config(String message) {
        return new ConfigurationException(message);
    }

    public static DataException data(String message) {
        return new DataException(message);
    }
}
