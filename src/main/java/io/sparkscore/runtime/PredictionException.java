package io.sparkscore.runtime;

/** Root of failures while building or running a prediction path (native errors, resources, closed objects). */
public class PredictionException extends RuntimeException {

    public PredictionException(String message) {
        super(message);
    }

    public PredictionException(String message, Throwable cause) {
        super(message, cause);
    }
}
