package io.sparkscore.ml;

import java.util.List;
import java.util.Optional;

/**
 * The rules every scoring configuration obeys, each declared once. {@link ScoringConfig} applies them to whatever
 * builds it; a front end (the CLI's job options) applies the same rules earlier, passing the words its users know
 * (flag names rather than setting names) so the refusal says what to change.
 */
public final class ScoringRules {

    private ScoringRules() {
    }

    /** @param howToGive how the caller's user names a model, e.g. {@code "pass --model"} */
    public static void requireModel(String modelPath, String howToGive) {
        if (modelPath == null || modelPath.isBlank()) {
            throw JobException.config("no model given: " + howToGive);
        }
    }

    /** @param howToGive how the caller's user gives the features, e.g. {@code "pass --features col1,col2"} */
    public static void requireFeatures(List<InputBinding> bindings, String howToGive) {
        if (bindings.isEmpty()) {
            throw JobException.config("no features given: " + howToGive);
        }
    }

    /** @param setting the batch size as the caller's user names it, e.g. {@code "--batch-size"} */
    public static void checkBatchSize(Optional<Integer> batchSize, String setting) {
        batchSize.ifPresent(b -> {
            if (b < 1) {
                throw JobException.config(setting + " must be auto or a positive number, got " + b);
            }
        });
    }

    public static void checkCalibrationRows(int calibrationRows) {
        if (calibrationRows < 1) {
            throw JobException.config("calibration sample rows must be positive, got " + calibrationRows);
        }
    }

    /** A budget of zero or less would leave calibration no time to measure anything, so it could choose nothing. */
    public static void checkCalibrationBudget(long calibrationBudgetMillis) {
        if (calibrationBudgetMillis < 1) {
            throw JobException.config("the calibration budget must be a positive number of milliseconds, got "
                    + calibrationBudgetMillis);
        }
    }
}
