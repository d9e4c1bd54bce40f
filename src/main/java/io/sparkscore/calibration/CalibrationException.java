package io.sparkscore.calibration;

import io.sparkscore.SparkScoreException;

/** Calibration could not choose a plan: no path can run the model, or the paths disagree numerically. */
public class CalibrationException extends SparkScoreException {

    public CalibrationException(String message) {
        super(message);
    }

    public CalibrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
