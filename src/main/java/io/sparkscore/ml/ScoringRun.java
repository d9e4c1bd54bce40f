package io.sparkscore.ml;

import io.sparkscore.calibration.CalibrationReport;
import io.sparkscore.calibration.Plan;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelReaders;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.categorical.InputEncodings;
import io.sparkscore.model.savedmodel.SavedModelOptions;
import io.sparkscore.runtime.ModelSignature;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.PredictionPaths;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BinaryOperator;
import java.util.function.LongSupplier;

import static org.apache.spark.sql.functions.col;

/**
 * The scoring core that {@link SparkScoreModel} and the CLI job share: everything the driver resolves before a
 * partition runs, then calibration and the batched {@code mapPartitions}.
 *
 * <pre>
 *  driver                                            executors (one model per JVM, cached by hash)
 *  model file ─▶ ModelReaders ─▶ ModelSpec ─▶ ModelSource (Broadcast or shared FS) ─────┐
 *  input ─▶ RowChecks: kept + features + reason                                          │
 *        └─ good rows ─┬─▶ limit(sample) ─▶ CalibrationTask: ModelCache ─▶ Plan (once)   │
 *  checked rows ───────┴─▶ mapPartitions(PartitionScorer): ModelCache ◀───────────────────┘
 *                               rows ─▶ float[][] ─▶ Predictor(plan.batch) ─▶ rows(kept…, prediction…)
 * </pre>
 *
 * Create with {@link #prepare}: it checks that a path can run it and that the input fits it, and
 * ships the model spec; nothing is scored until the Dataset from {@link #score} is computed. Driver-side only, not
 * thread-safe.
 */
public final class ScoringRun {

    private static final Logger LOG = LoggerFactory.getLogger(ScoringRun.class);
    /** Kept columns that are also features pass through under this prefix. */
    private static final String KEPT_PREFIX = "_sparkscore_kept_";

    private final SparkSession spark;
    private final ScoringConfig config;
    private final ModelSpec spec;
    private final List<PredictionPath> paths;
    private final Map<String, String> excluded;
    private final Checked checked;
    /** The column-batch scoring pass, where the row format and the input allow it. */
    private final Optional<ColumnarScoring> columnar;
    private final ModelSource model;

    /**
     * The row checks and conversions for one input, resolved against one model; no Spark job runs.
     *
     * @param bindings  the feature bindings in model input order (given, or by input name)
     * @param encodings how each model input is read
     */
    private record Checked(Dataset<Row> rows, RowBatch.Factory batches, StructType outSchema,
                           Map<String, String> keptAliases, List<InputBinding> bindings, ModelSignature signature,
                           List<InputEncodings.Encoding> encodings) {

        /** The good rows, without the reason columns (built on demand: only calibration reads them). */
        Dataset<Row> good() {
            return rows.filter(col(RowChecks.REASON).isNull()).drop(RowChecks.REASON, RowChecks.REASON_CODE);
        }
    }

    private ScoringRun(SparkSession spark, ScoringConfig config, ModelSpec spec, List<PredictionPath> paths,
                       Map<String, String> excluded, Checked checked, Optional<ColumnarScoring> columnar,
                       ModelSource model) {
        this.spark = spark;
        this.config = config;
        this.spec = spec;
        this.paths = paths;
        this.excluded = excluded;
        this.checked = checked;
        this.columnar = columnar;
        this.model = model;
    }

    /**
     * Checks the model (read by {@link #readModel}) against the input and ships it to the executors.
     *
     * @param keep         input columns passed through to the output, in order
     * @param parseStrings whether string feature columns hold numbers as text (CSV)
     */
    public static ScoringRun prepare(SparkSession spark, ScoringConfig config, ModelSpec spec, Dataset<Row> input,
                                     List<String> keep, boolean parseStrings) {
        Map<String, String> excluded = new LinkedHashMap<>();
        List<PredictionPath> paths = runnablePaths(spec, config, excluded);
        Checked checked = check(config, spec, input, keep, parseStrings);
        SequenceLengths sequences = checked.batches().features().sequences();
        if (sequences.any()) {
            paths = longestRowsRunOn(paths, sequences.longest(spec), sequences, config, excluded);
        }
        Optional<ColumnarScoring> columnar = Optional.empty();
        boolean numeric = checked.encodings().stream().allMatch(e -> e.kind() == InputEncodings.Kind.NUMBER);
        if (checked.batches().format() == RowFormat.COLUMNAR && !numeric) {
            LOG.info("Scoring reads rows: categorical inputs are encoded and checked by the checked rows' code");
        } else if (checked.batches().format() == RowFormat.COLUMNAR && !parseStrings) {
            columnar = ColumnarScoring.of(input, keep, checked.bindings(), checked.signature(), checked.batches(),
                    config.allowNaN());
        }
        ModelSource model = ModelSource.of(spark.sparkContext(), spec, config.modelPath(), config.savedModel(),
                config.broadcastThresholdBytes());
        LOG.info("Model {} ({} params, hash {}) goes to executors by {}", spec.name(), spec.paramCount(),
                spec.shortHash(), model.route());
        return new ScoringRun(spark, config, spec, paths, excluded, checked, columnar, model);
    }

    /**
     * The schema {@link #score} produces for this input, checked as {@link #prepare} checks it, without shipping the
     * model or running anything.
     */
    static StructType outputSchema(ScoringConfig config, ModelSpec spec, Dataset<Row> input, List<String> keep,
                                   boolean parseStrings) {
        return userFacing(check(config, spec, input, keep, parseStrings));
    }

    /** The schema {@link #score} produces: kept columns under their input names, then the prediction columns. */
    public StructType outputSchema() {
        return userFacing(checked);
    }

    private static StructType userFacing(Checked checked) {
        StructField[] fields = checked.outSchema().fields().clone();
        for (int i = 0; i < fields.length; i++) {
            String original = checked.keptAliases().get(fields[i].name());
            if (original != null) {
                fields[i] = new StructField(original, fields[i].dataType(), fields[i].nullable(), fields[i].metadata());
            }
        }
        return new StructType(fields);
    }

    /** Reads and checks the model file; the spec is what {@link #prepare} ships. */
    public static ModelSpec readModel(String path, SavedModelOptions savedModel, Configuration hadoop) {
        long t0 = System.currentTimeMillis();
        ModelSpec spec = ModelReaders.read(path, hadoop, savedModel);
        LOG.info("Read model {} from {} in {} ms: {}", spec.name(), path, System.currentTimeMillis() - t0, spec);
        return spec;
    }

    /** The candidate paths: those the config allows and that support every layer. */
    private static List<PredictionPath> runnablePaths(ModelSpec spec, ScoringConfig config,
                                                      Map<String, String> excluded) {
        Map<PredictionPath, String> unsupported = PredictionPaths.unsupportedPaths(spec);
        List<PredictionPath> paths = new ArrayList<>();
        for (PredictionPath p : PredictionPath.values()) {
            if (config.path().isPresent() && config.path().get() != p) {
                excluded.put(p.id(), "--path " + config.path().get().id() + " was requested");
            } else if (unsupported.containsKey(p)) {
                excluded.put(p.id(), unsupported.get(p));
            } else {
                paths.add(p);
            }
        }
        if (paths.isEmpty()) {
            throw new ModelException("no prediction path can run model " + config.modelPath() + ": " + excluded);
        }
        return paths;
    }

    /**
     * The paths that can also run rows of the longest sequence allowed (the tf path unrolls RNNs over at most 1000
     * steps), so that no scoring task meets a length its path refuses.
     */
    private static List<PredictionPath> longestRowsRunOn(List<PredictionPath> paths, ModelSpec longest,
                                                         SequenceLengths sequences, ScoringConfig config,
                                                         Map<String, String> excluded) {
        Map<PredictionPath, String> unsupported = PredictionPaths.unsupportedPaths(longest);
        List<PredictionPath> kept = new ArrayList<>();
        for (PredictionPath p : paths) {
            if (unsupported.containsKey(p)) {
                excluded.put(p.id(), "rows of " + sequences.maxSteps() + " steps (" + SequenceLengths.MAX_LENGTH_KEY
                        + ") cannot run on it: " + unsupported.get(p) + "; lower " + SequenceLengths.MAX_LENGTH_KEY);
            } else {
                kept.add(p);
            }
        }
        if (kept.isEmpty()) {
            throw new ModelException("no prediction path can run model " + config.modelPath() + ": " + excluded);
        }
        return kept;
    }

    private static Checked check(ScoringConfig config, ModelSpec spec, Dataset<Row> input, List<String> keep,
                                 boolean parseStrings) {
        ModelSignature signature = ModelSignature.of(spec);
        StructType schema = input.schema();
        List<InputBinding> given = InputBinding.expand(config.bindings(), signature);
        boolean byName = given != config.bindings();
        for (String f : FeatureMapping.columnsOf(given)) {
            if (byName && !List.of(schema.fieldNames()).contains(f)) {
                throw JobException.data("no feature columns were given, so model input '" + f + "' reads the column"
                        + " of its name, but the input has none (columns: " + String.join(", ", schema.fieldNames())
                        + "); name the columns after the model's inputs " + signature.inputNames() + " or map them"
                        + " with --features, --features-array or --input-map (featureCols/featuresCol/inputMap)");
            }
            if (!List.of(schema.fieldNames()).contains(f)) {
                throw JobException.data("feature column '" + f + "' is not in the input; available columns: "
                        + String.join(", ", schema.fieldNames()));
            }
        }
        List<InputBinding> bindings = InputBinding.inModelOrder(given, signature.inputNames());
        List<InputEncodings.Encoding> encodings = InputEncodings.of(spec);
        SequenceLengths sequences = SequenceLengths.of(spec, signature, input.sparkSession().conf());
        int[] inputSizes = new int[signature.inputCount()];
        for (int i = 0; i < inputSizes.length; i++) {
            // an open (sequence) input's size is per step: each row brings its number of steps
            inputSizes[i] = signature.isOpen(i) ? signature.stepSize(i) : signature.inputSize(i);
        }
        // A kept column that is also a feature passes through as a copy: RowChecks checks and converts the feature
        // under its own name (vectors to arrays, CSV strings to numbers), the copy keeps the input's value and type.
        Map<String, String> aliases = new LinkedHashMap<>();
        Dataset<Row> source = input;
        List<String> keptColumns = new ArrayList<>();
        List<String> features = FeatureMapping.columnsOf(bindings);
        for (String k : keep) {
            if (features.contains(k)) {
                String alias = KEPT_PREFIX + k;
                source = source.withColumn(alias, col(RowChecks.quote(k)));
                aliases.put(alias, k);
                keptColumns.add(alias);
            } else {
                keptColumns.add(k);
            }
        }
        Dataset<Row> rows = RowChecks.checked(source, keptColumns, bindings, inputSizes, config.allowNaN(),
                parseStrings, categories(bindings, encodings), sequences);
        StructType goodSchema = withoutReasons(rows.schema());
        FeatureMapping mapping = FeatureMapping.resolve(goodSchema, bindings, signature, encodings,
                config.allowNaN(), sequences);
        int[] keepIndexes = keptColumns.stream().mapToInt(goodSchema::fieldIndex).toArray();
        OutputLayout output = OutputLayout.of(signature, config.predictionColumns(),
                ScoringConfig.DEFAULT_PREDICTION_COLUMN, config.outputMode());
        StructField[] kept = new StructField[keepIndexes.length];
        StructField[] keyFields = new StructField[keepIndexes.length];
        for (int i = 0; i < keepIndexes.length; i++) {
            kept[i] = goodSchema.fields()[keepIndexes[i]];
            // error messages name the user's column, not its alias
            keyFields[i] = kept[i].copy(keep.get(i), kept[i].dataType(), kept[i].nullable(), kept[i].metadata());
        }
        StructType keptFields = new StructType(kept);
        RowKey rowKey = new RowKey(keepIndexes, new StructType(keyFields));
        return new Checked(rows, new RowBatch.Factory(mapping, rowKey, keepIndexes, keptFields, output,
                inputSizes, RowFormat.choose(input.sparkSession())), output.schema(keptFields), aliases, bindings,
                signature, encodings);
    }

    /** The schema of the checked rows without {@link RowChecks#REASON} and {@link RowChecks#REASON_CODE}. */
    private static StructType withoutReasons(StructType checked) {
        return new StructType(java.util.Arrays.stream(checked.fields()).filter(f -> !f.name().equals(RowChecks.REASON)
                && !f.name().equals(RowChecks.REASON_CODE)).toArray(StructField[]::new));
    }

    /**
     * The columns bound to string model inputs, which the row checks pass on as strings, and those whose lookup
     * takes no value outside its vocabulary.
     */
    private static RowChecks.Categories categories(List<InputBinding> bindings,
                                                   List<InputEncodings.Encoding> encodings) {
        java.util.Set<String> strings = new java.util.HashSet<>();
        Map<String, RowChecks.ClosedVocabulary> closed = new LinkedHashMap<>();
        for (int i = 0; i < bindings.size(); i++) {
            InputEncodings.Encoding e = encodings.get(i);
            if (e.kind() == InputEncodings.Kind.STRING) {
                strings.addAll(bindings.get(i).columns());
            }
            if (e.encoder() != null && e.encoder().closed() != null) {
                RowChecks.ClosedVocabulary v = new RowChecks.ClosedVocabulary(e.layer(), e.encoder().closed());
                bindings.get(i).columns().forEach(c -> closed.put(c, v));
            }
        }
        return new RowChecks.Categories(strings, closed);
    }

    /** A plan and where it came from: {@code fixed}, {@code calibrated} or {@code stored}; report null when fixed. */
    public record ChosenPlan(Plan plan, String source, CalibrationReport report) {
    }

    /**
     * The plan to score with: fixed by the config, or chosen by calibration (one Spark job over sampled good rows)
     * or taken from the plan store.
     *
     * @param expectedRows rows the run will score (0: unknown), to keep calibration's cost a small share of it;
     *                     asked only when calibration runs
     */
    public ChosenPlan choosePlan(LongSupplier expectedRows) {
        CalibrationStage stage = new CalibrationStage(spark, config);
        if (!config.calibrates()) {
            return new ChosenPlan(new Plan(config.path().orElse(paths.get(0)),
                    config.batchSize().orElse(ScoringConfig.DEFAULT_BATCH_WITHOUT_CALIBRATION), stage.taskCpus()),
                    "fixed", null);
        }
        CalibrationStage.Outcome outcome = stage.choosePlan(checked.good(), checked.batches(), model, spec, paths,
                excluded, expectedRows);
        return new ChosenPlan(outcome.report().chosen(), outcome.source(), outcome.report());
    }

    /** Calibrates regardless of the plan store and writes nothing (the {@code calibrate} command). */
    public CalibrationReport calibrate() {
        return new CalibrationStage(spark, config).calibrate(checked.good(), checked.batches(), model, spec, paths,
                excluded, 0);
    }

    /**
     * The good rows scored (kept columns, then the prediction columns), lazily; the scoring tasks count every row
     * they read, scored and bad, into {@code metrics}.
     */
    public Dataset<Row> score(Plan plan, JobMetrics metrics) {
        if (columnar.isPresent()) {
            return renamed(columnar.get().score(spark, model, spec.hash(), plan, metrics,
                    FaultInjection.from(spark.conf()), checked.outSchema()));
        }
        return score(plan, metrics, (reason, code) -> code);
    }

    /**
     * As {@link #score(Plan, JobMetrics)}, with the reason code the scoring tasks see replaced by
     * {@code codeRule(reason, code)}: a rule that raises an error for bad rows fails the task that meets one.
     */
    Dataset<Row> score(Plan plan, JobMetrics metrics, BinaryOperator<Column> codeRule) {
        Dataset<Row> rows = checked.rows().withColumn(RowChecks.REASON_CODE,
                codeRule.apply(col(RowChecks.REASON), col(RowChecks.REASON_CODE)));
        Dataset<Row> scored = checked.batches().format().score(rows, new PartitionScorer(model, spec.hash(), plan,
                        checked.batches(), rows.schema().fieldIndex(RowChecks.REASON_CODE), metrics,
                        FaultInjection.from(spark.conf())), checked.outSchema());
        return renamed(scored);
    }

    /** Kept columns that are also features carry an alias while scoring; the output names them as the input does. */
    private Dataset<Row> renamed(Dataset<Row> scored) {
        for (Map.Entry<String, String> alias : checked.keptAliases().entrySet()) {
            scored = scored.withColumnRenamed(alias.getKey(), alias.getValue());
        }
        return scored;
    }

    /** Every input row with its kept columns, its converted features and, for bad rows, {@code reason(_code)}. */
    public Dataset<Row> checkedRows() {
        return checked.rows();
    }

    /** The column that holds kept column {@code name} in {@link #checkedRows()}. */
    String keptColumnInChecked(String name) {
        for (Map.Entry<String, String> alias : checked.keptAliases().entrySet()) {
            if (alias.getValue().equals(name)) {
                return alias.getKey();
            }
        }
        return name;
    }

    public ModelSpec spec() {
        return spec;
    }

    /**
     * What {@link #score(Plan, JobMetrics)} reads: {@code column vectors} (column batches read column by column),
     * {@code column batches} (read through a row view), {@code internal rows} or {@code external rows}.
     */
    public String scoringInput() {
        if (columnar.isPresent()) {
            return columnar.get().readsColumnByColumn() ? "column vectors" : "column batches";
        }
        return checked.batches().format() == RowFormat.EXTERNAL ? "external rows" : "internal rows";
    }

    /** How executors get the model: {@code broadcast} or {@code shared-fs}. */
    public String modelRoute() {
        return model.route();
    }
}
