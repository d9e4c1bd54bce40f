package io.sparkscore.runtime;

import io.sparkscore.SparkScoreException;

/** Root of failures while building or running a prediction path (native errors, resources, closed objects). */
public class PredictionException extends SparkScoreException {

    public PredictionException(String message) {
        super(message);
    }

    public PredictionException(String message, Throwable cause) {
        super(message, cause);
    }
}
