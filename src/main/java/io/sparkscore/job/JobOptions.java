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
 * @param planStore       Hadoop FS directory where calibrated plans are kept for reuse, or null to keep none
 */
public record JobOptions(String modelPath, String inputPath, String inputFormat, String outputPath,
                         List<InputBinding> bindings, List<String> keep, List<String> predictionColumns,
                         Optional<Integer> batchSize, Optional<PredictionPath> path, WriteMode mode,
                         Calibration calibration, int calibrationRows, long calibrationBudgetMillis,
                         String planStore, boolean allowNaN) {

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

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.modelPath = modelPath;
        b.inputPath = inputPath;
        b.inputFormat = inputFormat;
        b.outputPath = outputPath;
        b.bindings = bindings;
        b.keep = keep;
        b.predictionColumns = predictionColumns;
        b.batchSize = batchSize;
        b.path = path;
        b.mode = mode;
        b.calibration = calibration;
        b.calibrationRows = calibrationRows;
        b.calibrationBudgetMillis = calibrationBudgetMillis;
        b.planStore = planStore;
        b.allowNaN = allowNaN;
        return b;
    }

    /** Required: {@code setModel}, {@code setInput}, {@code setFeatures}/bindings; everything else has defaults. */
    public static final class Builder {
        private String modelPath;
        private String inputPath;
        private String inputFormat = "parquet";
        private String outputPath;
        private List<InputBinding> bindings = List.of();
        private List<String> keep = List.of();
        private List<String> predictionColumns = List.of();
        private Optional<Integer> batchSize = Optional.empty();
        private Optional<PredictionPath> path = Optional.empty();
        private WriteMode mode = WriteMode.ERROR;
        private Calibration calibration = Calibration.AUTO;
        private int calibrationRows = 4096;
        private long calibrationBudgetMillis = 30_000;
        private String planStore;
        private boolean allowNaN;

        public Builder setModel(String v) {
            modelPath = v;
            return this;
        }

        public Builder setInput(String v) {
            inputPath = v;
            return this;
        }

        public Builder setBindings(List<InputBinding> v) {
            bindings = v;
            return this;
        }

        public Builder setFeatures(List<String> columns) {
            bindings = List.of(InputBinding.scalars("input", columns));
            return this;
        }

        public Builder optInputFormat(String v) {
            inputFormat = v;
            return this;
        }

        public Builder optOutput(String v) {
            outputPath = v;
            return this;
        }

        public Builder optKeep(List<String> v) {
            keep = v;
            return this;
        }

        public Builder optPredictionColumns(List<String> v) {
            predictionColumns = v;
            return this;
        }

        public Builder optBatchSize(Optional<Integer> v) {
            batchSize = v;
            return this;
        }

        public Builder optPath(Optional<PredictionPath> v) {
            path = v;
            return this;
        }

        public Builder optMode(WriteMode v) {
            mode = v;
            return this;
        }

        public Builder optCalibration(Calibration v) {
            calibration = v;
            return this;
        }

        public Builder optCalibrationRows(int v) {
            calibrationRows = v;
            return this;
        }

        public Builder optCalibrationBudgetMillis(long v) {
            calibrationBudgetMillis = v;
            return this;
        }

        public Builder optPlanStore(String v) {
            planStore = v;
            return this;
        }

        public Builder optAllowNaN(boolean v) {
            allowNaN = v;
            return this;
        }

        public JobOptions build() {
            return new JobOptions(modelPath, inputPath, inputFormat, outputPath, bindings, keep, predictionColumns,
                    batchSize, path, mode, calibration, calibrationRows, calibrationBudgetMillis, planStore,
                    allowNaN);
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
