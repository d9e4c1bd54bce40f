package io.sparkscore.job;

import io.sparkscore.ml.JobException;
import io.sparkscore.ml.Calibration;
import io.sparkscore.ml.InputBinding;
import io.sparkscore.ml.ScoringConfig;
import io.sparkscore.ml.ScoringRules;
import io.sparkscore.model.savedmodel.SavedModelOptions;
import io.sparkscore.runtime.PredictionPath;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one scoring run needs to know, validated on construction. Built by the CLI from flags (or by tests);
 * immutable. Create with {@link #builder()}: {@code set*} for required values, {@code opt*} for the rest.
 *
 * @param inputPath       input dataset path; or null when {@code inputTable} names a catalog table
 * @param outputPath      where {@code score} writes; {@code calibrate} needs none
 * @param batchSize       fixed rows per prediction call, or empty to let calibration choose
 * @param path            fixed prediction path, or empty to let calibration choose
 * @param calibration     {@code auto} (calibrate unless both batch size and path are fixed), {@code force}, {@code off}
 * @param calibrationRows how many input rows calibration samples
 * @param planStore       Hadoop FS directory where calibrated plans are kept for reuse, or null to keep none
 * @param quarantinePath  where quarantined rows go; null means {@code <output>/_quarantine}
 * @param outputMode      {@code probabilities} (raw outputs), {@code argmax} or {@code threshold=<t>}
 * @param broadcastThresholdBytes models with more weight bytes than this are not broadcast; executors read the
 *                        model file from shared storage instead
 * @param savedModel      the signature and tags to score when the model is a TensorFlow SavedModel directory
 */
public record JobOptions(String modelPath, String inputPath, String inputTable, String inputFormat, String where,
                         Double sampleFraction, String outputPath, String outputTable, String outputFormat,
                         List<String> partitionBy, List<InputBinding> bindings, List<String> keep,
                         List<String> predictionColumns, String outputMode, boolean withMetadata,
                         Optional<Integer> batchSize, Optional<PredictionPath> path, WriteMode mode,
                         Calibration calibration, int calibrationRows, long calibrationBudgetMillis,
                         String planStore, boolean allowNaN, BadRowPolicy badRows, String quarantinePath,
                         long maxRecordsPerFile, int coalesce, long broadcastThresholdBytes,
                         SavedModelOptions savedModel) {

    /** What to do when the output exists. */
    public enum WriteMode {
        /** Refuse to run (the default). */
        ERROR,
        /** Replace the whole output. */
        OVERWRITE,
        /** Replace only the partitions this run writes (Spark's dynamic partition overwrite). */
        OVERWRITE_PARTITIONS;

        public static WriteMode parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw JobException.config("unknown --mode '" + s + "'; expected error, overwrite or"
                        + " overwrite-partitions");
            }
        }
    }

    public static final String QUARANTINE_DIR = "_quarantine";
    /* Defaults given as the words the CLI flags take, so the flags' declarations and the builder share them. */
    public static final String DEFAULT_INPUT_FORMAT = "parquet";
    public static final String DEFAULT_OUTPUT_FORMAT = "parquet";
    public static final String DEFAULT_WRITE_MODE = "error";
    public static final String DEFAULT_BAD_ROWS = "quarantine";

    public JobOptions {
        partitionBy = List.copyOf(partitionBy);
        bindings = List.copyOf(bindings);
        keep = List.copyOf(keep);
        predictionColumns = List.copyOf(predictionColumns);
        ScoringRules.requireModel(modelPath, "pass --model");
        Objects.requireNonNull(savedModel, "savedModel");
        if ((inputPath == null) == (inputTable == null)) {
            throw JobException.config("pass exactly one of --input (a path) and --input-table (a catalog table)");
        }
        ScoringRules.requireFeatures(bindings, "pass --features col1,col2,..., --features-array col or --input-map");
        ScoringRules.checkBatchSize(batchSize, "--batch-size");
        ScoringRules.checkCalibrationRows(calibrationRows);
        ScoringRules.checkCalibrationBudget(calibrationBudgetMillis);
        if (sampleFraction != null && !(sampleFraction > 0 && sampleFraction <= 1)) {
            throw JobException.config("--sample must be a fraction in (0, 1], got " + sampleFraction);
        }
        if (mode == WriteMode.OVERWRITE_PARTITIONS && partitionBy.isEmpty()) {
            throw JobException.config("--mode overwrite-partitions needs --partition-by; without partitions it would"
                    + " replace the whole output (use --mode overwrite for that)");
        }
    }

    /** Where {@code score} writes: the output path, required unless a table is the target. */
    public void requireOutput() {
        if ((outputPath == null) == (outputTable == null)) {
            throw JobException.config("pass exactly one of --output (a path) and --output-table (a catalog table)");
        }
    }

    /** The quarantine location: as given, or {@code _quarantine} inside the output directory. */
    public String effectiveQuarantinePath() {
        if (quarantinePath != null) {
            return quarantinePath;
        }
        if (outputPath == null) {
            throw JobException.config("--bad-rows quarantine (the default) with --output-table needs --quarantine"
                    + " PATH: a table has no directory to keep the bad rows in; pass --quarantine, or --bad-rows skip"
                    + " or fail");
        }
        return outputPath.replaceAll("/+$", "") + "/" + QUARANTINE_DIR;
    }

    /** Kept columns plus partition columns, which pass through from the input. */
    public List<String> keptColumns() {
        java.util.LinkedHashSet<String> cols = new java.util.LinkedHashSet<>(keep);
        cols.addAll(partitionBy);
        return List.copyOf(cols);
    }

    /** Where the input comes from, for messages and the summary. */
    public String inputName() {
        return inputPath != null ? inputPath : "table " + inputTable;
    }

    /** Where the output goes, for messages and the summary. */
    public String outputName() {
        return outputPath != null ? outputPath : "table " + outputTable;
    }

    /** Whether this run measures before scoring. */
    public boolean calibrates() {
        return scoring().calibrates();
    }

    /** What the scoring stage needs of these options. */
    public ScoringConfig scoring() {
        return new ScoringConfig(modelPath, savedModel, bindings, predictionColumns, outputMode, batchSize, path,
                calibration, calibrationRows, calibrationBudgetMillis, planStore, allowNaN, broadcastThresholdBytes);
    }

    /** The SavedModel options as given on the command line, refused as a configuration error when invalid. */
    public static SavedModelOptions savedModelOptions(String signature, List<String> tags) {
        try {
            return new SavedModelOptions(signature, tags);
        } catch (IllegalArgumentException e) {
            throw JobException.config(e.getMessage());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.modelPath = modelPath;
        b.inputPath = inputPath;
        b.inputTable = inputTable;
        b.inputFormat = inputFormat;
        b.where = where;
        b.sampleFraction = sampleFraction;
        b.outputPath = outputPath;
        b.outputTable = outputTable;
        b.outputFormat = outputFormat;
        b.partitionBy = partitionBy;
        b.bindings = bindings;
        b.keep = keep;
        b.predictionColumns = predictionColumns;
        b.outputMode = outputMode;
        b.withMetadata = withMetadata;
        b.batchSize = batchSize;
        b.path = path;
        b.mode = mode;
        b.calibration = calibration;
        b.calibrationRows = calibrationRows;
        b.calibrationBudgetMillis = calibrationBudgetMillis;
        b.planStore = planStore;
        b.allowNaN = allowNaN;
        b.badRows = badRows;
        b.quarantinePath = quarantinePath;
        b.maxRecordsPerFile = maxRecordsPerFile;
        b.coalesce = coalesce;
        b.broadcastThresholdBytes = broadcastThresholdBytes;
        b.savedModel = savedModel;
        return b;
    }

    /** Required: {@code setModel}, {@code setInput} (or {@code setInputTable}), features; the rest have defaults. */
    public static final class Builder {
        private String modelPath;
        private String inputPath;
        private String inputTable;
        private String inputFormat = DEFAULT_INPUT_FORMAT;
        private String where;
        private Double sampleFraction;
        private String outputPath;
        private String outputTable;
        private String outputFormat = DEFAULT_OUTPUT_FORMAT;
        private List<String> partitionBy = List.of();
        private List<InputBinding> bindings = List.of();
        private List<String> keep = List.of();
        private List<String> predictionColumns = List.of();
        private String outputMode = ScoringConfig.DEFAULT_OUTPUT_MODE;
        private boolean withMetadata;
        private Optional<Integer> batchSize = Optional.empty();
        private Optional<PredictionPath> path = Optional.empty();
        private WriteMode mode = WriteMode.parse(DEFAULT_WRITE_MODE);
        private Calibration calibration = Calibration.parse(Calibration.DEFAULT);
        private int calibrationRows = ScoringConfig.DEFAULT_CALIBRATION_ROWS;
        private long calibrationBudgetMillis = ScoringConfig.DEFAULT_CALIBRATION_BUDGET_MILLIS;
        private String planStore;
        private boolean allowNaN;
        private BadRowPolicy badRows = BadRowPolicy.parse(DEFAULT_BAD_ROWS);
        private String quarantinePath;
        private long maxRecordsPerFile;
        private int coalesce;
        private long broadcastThresholdBytes = ScoringConfig.DEFAULT_BROADCAST_THRESHOLD_BYTES;
        private SavedModelOptions savedModel = SavedModelOptions.DEFAULTS;

        /** The SavedModel signature key and MetaGraphDef tags (defaults serving_default and serve). */
        public Builder optSavedModel(String signature, List<String> tags) {
            savedModel = savedModelOptions(signature, tags);
            return this;
        }

        public Builder optBroadcastThresholdBytes(long v) {
            broadcastThresholdBytes = v;
            return this;
        }

        public Builder setModel(String v) {
            modelPath = v;
            return this;
        }

        public Builder setInput(String v) {
            inputPath = v;
            return this;
        }

        public Builder setInputTable(String v) {
            inputTable = v;
            return this;
        }

        public Builder setBindings(List<InputBinding> v) {
            bindings = v;
            return this;
        }

        public Builder setFeatures(List<String> columns) {
            bindings = List.of(InputBinding.scalars(InputBinding.SINGLE_INPUT, columns));
            return this;
        }

        public Builder optInputFormat(String v) {
            inputFormat = v;
            return this;
        }

        public Builder optWhere(String v) {
            where = v;
            return this;
        }

        public Builder optSample(Double v) {
            sampleFraction = v;
            return this;
        }

        public Builder optOutput(String v) {
            outputPath = v;
            return this;
        }

        public Builder optOutputTable(String v) {
            outputTable = v;
            return this;
        }

        public Builder optOutputFormat(String v) {
            outputFormat = v;
            return this;
        }

        public Builder optPartitionBy(List<String> v) {
            partitionBy = v;
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

        public Builder optOutputMode(String v) {
            outputMode = v;
            return this;
        }

        public Builder optWithMetadata(boolean v) {
            withMetadata = v;
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

        public Builder optBadRows(BadRowPolicy v) {
            badRows = v;
            return this;
        }

        public Builder optQuarantine(String v) {
            quarantinePath = v;
            return this;
        }

        public Builder optMaxRecordsPerFile(long v) {
            maxRecordsPerFile = v;
            return this;
        }

        public Builder optCoalesce(int v) {
            coalesce = v;
            return this;
        }

        public JobOptions build() {
            return new JobOptions(modelPath, inputPath, inputTable, inputFormat, where, sampleFraction, outputPath,
                    outputTable, outputFormat, partitionBy, bindings, keep, predictionColumns, outputMode,
                    withMetadata, batchSize, path, mode, calibration, calibrationRows, calibrationBudgetMillis,
                    planStore, allowNaN, badRows, quarantinePath, maxRecordsPerFile, coalesce,
                    broadcastThresholdBytes, savedModel);
        }
    }
}
