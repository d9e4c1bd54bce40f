package io.sparkscore.calibration;

/** Calibration could not choose a plan: no path can run the model, or the paths disagree numerically. */
public class CalibrationException extends RuntimeException {

    public CalibrationException(String message) {
        super(message);
    }
}
