package io.sparkscore.cli;

import io.sparkscore.job.InputBinding;
import io.sparkscore.job.JobException;
import io.sparkscore.job.JobOptions;
import io.sparkscore.runtime.PredictionPath;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The options {@code score} and {@code calibrate} share: model, input, feature mapping, plan and calibration. */
final class ModelInputOptions {

    @Option(names = "--model", required = true, description = "Keras model: .keras (Keras 3) or .h5 (Keras 2), any"
            + " Hadoop FS URI (file://, hdfs://, s3a://).")
    String model;

    @Option(names = "--input", required = true, description = "Input dataset path (Hadoop FS URI).")
    String input;

    @Option(names = "--input-format", defaultValue = "parquet",
            description = "parquet (default), orc, csv (with header), json, avro.")
    String inputFormat;

    @Option(names = "--features", split = ",", description = "Numeric feature columns, in the model's input order"
            + " (reshaped in C order to the input's shape).")
    List<String> features = new ArrayList<>();

    @Option(names = "--features-array", description = "One array<number> column holding each row's flattened input.")
    String featuresArray;

    @Option(names = "--keep", split = ",", description = "Input columns copied to the output (row keys).")
    List<String> keep = new ArrayList<>();

    @Option(names = "--batch-size", defaultValue = "auto", description = "Rows per prediction call: auto"
            + " (calibrated) or a number.")
    String batchSize;

    @Option(names = "--path", defaultValue = "auto", description = "Prediction path: auto (calibrated), tf or jvm.")
    String path;

    @Option(names = "--calibration-rows", defaultValue = "4096", description = "Input rows sampled for calibration.")
    int calibrationRows;

    @Option(names = "--calibration-budget-ms", defaultValue = "30000", description = "Time budget of calibration.")
    long calibrationBudgetMillis;

    @Option(names = "--plan-store", description = "Hadoop FS directory keeping calibrated plans for reuse"
            + " (default: ~/.sparkscore/plans; 'none' keeps none).")
    String planStore = System.getProperty("user.home") + "/.sparkscore/plans";

    @Option(names = "--allow-nan", description = "Score rows with NaN features instead of rejecting them.")
    boolean allowNaN;

    @Option(names = "--master", description = "Spark master when run outside spark-submit, e.g. local[*].")
    String master;

    JobOptions toJobOptions(String output, List<String> predictionColumns, JobOptions.WriteMode mode,
                            JobOptions.Calibration calibration) {
        List<InputBinding> bindings = new ArrayList<>();
        if (!features.isEmpty() && featuresArray != null) {
            throw JobException.config("pass either --features or --features-array, not both");
        }
        if (!features.isEmpty()) {
            bindings.add(InputBinding.scalars("input", features));
        } else if (featuresArray != null) {
            bindings.add(InputBinding.array("input", featuresArray));
        }
        return JobOptions.builder()
                .setModel(model).setInput(input).setBindings(bindings)
                .optInputFormat(inputFormat).optOutput(output).optKeep(keep)
                .optPredictionColumns(predictionColumns)
                .optBatchSize(parseBatchSize(batchSize)).optPath(parsePath(path))
                .optMode(mode).optCalibration(calibration).optCalibrationRows(calibrationRows)
                .optCalibrationBudgetMillis(calibrationBudgetMillis)
                .optPlanStore("none".equals(planStore) ? null : planStore)
                .optAllowNaN(allowNaN)
                .build();
    }

    static Optional<Integer> parseBatchSize(String value) {
        if (value.equalsIgnoreCase("auto")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            throw JobException.config("--batch-size must be auto or a positive number, got '" + value + "'");
        }
    }

    static Optional<PredictionPath> parsePath(String value) {
        if (value.equalsIgnoreCase("auto")) {
            return Optional.empty();
        }
        try {
            return Optional.of(PredictionPath.parse(value));
        } catch (IllegalArgumentException e) {
            throw JobException.config("--path must be auto, tf or jvm, got '" + value + "'");
        }
    }
}
