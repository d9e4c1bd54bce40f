package io.sparkscore.cli;

import io.sparkscore.ml.InputBinding;
import io.sparkscore.ml.JobException;
import io.sparkscore.ml.ScoringConfig;
import io.sparkscore.job.JobOptions;
import io.sparkscore.runtime.PredictionPath;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The options {@code score} and {@code calibrate} share: model ({@link ModelOptions}), input, feature mapping, plan and calibration. */
final class ModelInputOptions {

    /** What --batch-size and --path take to let calibration choose. */
    private static final String AUTO = "auto";

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--input", description = "Input dataset path (Hadoop FS URI).")
    String input;

    @Option(names = "--input-table", description = "Catalog table to read instead of --input, e.g. db.events.")
    String inputTable;

    @Option(names = "--input-format", defaultValue = JobOptions.DEFAULT_INPUT_FORMAT,
            description = "parquet, orc, csv (with header; features parsed as numbers), json, avro (default:"
                    + " ${DEFAULT-VALUE}).")
    String inputFormat;

    @Option(names = "--where", description = "SQL predicate selecting the rows to score, e.g. \"dt = '2026-11-29'\".")
    String where;

    @Option(names = "--sample", description = "Score a random fraction of the rows, in (0, 1].")
    Double sample;

    @Option(names = "--input-map", description = "Per model input: name=col1,col2 or name=arrayCol[] (repeat once"
            + " per input of a multi-input model).")
    List<String> inputMap = new ArrayList<>();

    @Option(names = "--features", split = ",", description = "Numeric feature columns, in the model's input order"
            + " (reshaped in C order to the input's shape).")
    List<String> features = new ArrayList<>();

    @Option(names = "--features-array", description = "One array<number> or Spark ML vector column holding each"
            + " row's flattened input.")
    String featuresArray;

    @Option(names = "--keep", split = ",", description = "Input columns copied to the output (row keys).")
    List<String> keep = new ArrayList<>();

    @Option(names = "--batch-size", defaultValue = AUTO, description = "Rows per prediction call: auto"
            + " (calibrated) or a number.")
    String batchSize;

    @Option(names = "--path", defaultValue = AUTO, description = "Prediction path: auto (calibrated), tf or jvm.")
    String path;

    @Option(names = "--calibration-rows", defaultValue = "" + ScoringConfig.DEFAULT_CALIBRATION_ROWS,
            description = "Input rows sampled for calibration (default: ${DEFAULT-VALUE}).")
    int calibrationRows;

    @Option(names = "--calibration-budget-ms", defaultValue = "" + ScoringConfig.DEFAULT_CALIBRATION_BUDGET_MILLIS,
            description = "Time budget of calibration (default: ${DEFAULT-VALUE}).")
    long calibrationBudgetMillis;

    @Option(names = "--plan-store", description = "Hadoop FS directory keeping calibrated plans for reuse"
            + " (default: ~/.sparkscore/plans; 'none' keeps none).")
    String planStore = System.getProperty("user.home") + "/.sparkscore/plans";

    @Option(names = "--allow-nan", description = "Score rows with NaN features instead of treating them as bad.")
    boolean allowNaN;

    @Option(names = "--master", description = "Spark master when run outside spark-submit, e.g. local[*].")
    String master;

    /** The options shared by every command; callers add their output settings. */
    JobOptions.Builder toJobOptions() {
        int given = (features.isEmpty() ? 0 : 1) + (featuresArray == null ? 0 : 1) + (inputMap.isEmpty() ? 0 : 1);
        if (given > 1) {
            throw JobException.config("pass one of --features, --features-array or --input-map, not several");
        }
        List<InputBinding> bindings = new ArrayList<>();
        if (!features.isEmpty()) {
            bindings.add(InputBinding.scalars(InputBinding.SINGLE_INPUT, features));
        } else if (featuresArray != null) {
            bindings.add(InputBinding.array(InputBinding.SINGLE_INPUT, featuresArray));
        } else if (!inputMap.isEmpty()) {
            inputMap.forEach(m -> bindings.add(InputBinding.parse(m)));
        } else {
            bindings.add(InputBinding.byInputNames());
        }
        return JobOptions.builder()
                .setModel(modelOptions.model).optSavedModel(modelOptions.signature, modelOptions.tags)
                .setInput(input).setInputTable(inputTable).setBindings(bindings)
                .optInputFormat(inputFormat).optWhere(where).optSample(sample).optKeep(keep)
                .optBatchSize(parseBatchSize(batchSize)).optPath(parsePath(path))
                .optCalibrationRows(calibrationRows)
                .optCalibrationBudgetMillis(calibrationBudgetMillis)
                .optPlanStore("none".equals(planStore) ? null : planStore)
                .optAllowNaN(allowNaN);
    }

    static Optional<Integer> parseBatchSize(String value) {
        return autoOr(value, Integer::parseInt, "--batch-size must be auto or a positive number");
    }

    static Optional<PredictionPath> parsePath(String value) {
        return autoOr(value, PredictionPath::parse, "--path must be auto, tf or jvm");
    }

    /** Empty for {@code auto}; else the parsed value, or a refusal that quotes what was given. */
    private static <T> Optional<T> autoOr(String value, Function<String, T> parse, String expected) {
        if (value.equalsIgnoreCase(AUTO)) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse.apply(value));
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw JobException.config(expected + ", got '" + value + "'");
        }
    }
}
