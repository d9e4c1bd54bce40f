package io.sparkscore.job;

import io.sparkscore.runtime.PredictionPath;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Everything one scoring run needs to know, validated on construction. Built by the CLI from flags and
 * {@code spark.sparkscore.*} settings; immutable.
 *
 * @param outputPath      where {@code score} writes; {@code calibrate} needs none
 * @param batchSize       fixed rows per prediction call, or empty to let calibration choose
 * @param path            fixed prediction path, or empty to let calibration choose
 * @param calibration     {@code auto} (calibrate unless both batch size and path are fixed), {@code force}, {@code off}
 * @param calibrationRows how many input rows calibration samples
 */
public record JobOptions(String modelPath, String inputPath, String inputFormat, String outputPath,
                         List<InputBinding> bindings, List<String> keep, List<String> predictionColumns,
                         Optional<Integer> batchSize, Optional<PredictionPath> path, WriteMode mode,
                         Calibration calibration, int calibrationRows, long calibrationBudgetMillis,
                         boolean allowNaN) {

    /** What to do when the output path exists. */
    public enum WriteMode {
        ERROR, OVERWRITE;

        public static WriteMode parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw JobException.config("unknown --mode '" + s + "'; expected error or overwrite");
            }
        }
    }

    /** Whether to run the calibration stage. */
    public enum Calibration {
        AUTO, FORCE, OFF;

        public static Calibration parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw JobException.config("unknown --calibration '" + s + "'; expected auto, force or off");
            }
        }
    }

    public static final int DEFAULT_BATCH_WITHOUT_CALIBRATION = 1024;

    public JobOptions {
        bindings = List.copyOf(bindings);
        keep = List.copyOf(keep);
        predictionColumns = List.copyOf(predictionColumns);
        require(modelPath, "--model");
        require(inputPath, "--input");
        if (bindings.isEmpty()) {
            throw JobException.config("no features given: pass --features col1,col2,... or --features-array col");
        }
        batchSize.ifPresent(b -> {
            if (b < 1) {
                throw JobException.config("--batch-size must be auto or a positive number, got " + b);
            }
        });
        if (calibrationRows < 1) {
            throw JobException.config("calibration sample rows must be positive, got " + calibrationRows);
        }
    }

    /** The output path, required by every command that writes. */
    public String requireOutputPath() {
        require(outputPath, "--output");
        return outputPath;
    }

    private static void require(String value, String flag) {
        if (value == null || value.isBlank()) {
            throw JobException.config("missing " + flag);
        }
    }

    /** Whether this run measures before scoring. */
    public boolean calibrates() {
        return switch (calibration) {
            case FORCE -> true;
            case OFF -> false;
            case AUTO -> batchSize.isEmpty() || path.isEmpty();
        };
    }
}
