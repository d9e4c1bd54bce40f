package io.sparkscore.ml;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.savedmodel.SavedModelOptions;
import io.sparkscore.runtime.ModelSignature;
import io.sparkscore.runtime.PredictionPath;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.when;

/**
 * A Spark ML {@link Transformer} that scores a Keras or TensorFlow SavedModel on a DataFrame: every input column
 * is kept and the prediction column(s) are added. It runs the same core as the {@code sparkscore score} job
 * ({@link ScoringRun}): the model spec is broadcast, rebuilt once per executor JVM, and scored in batches by a cached
 * predictor in {@code mapPartitions}.
 *
 * <pre>{@code
 * SparkScoreModel scorer = new SparkScoreModel()
 *     .setModelPath("hdfs:///models/churn.keras")
 *     .setFeatureCols(new String[] {"f1", "f2", "f3", "f4"})
 *     .setPredictionCol("score");
 * Dataset<Row> scored = scorer.transform(df);
 * }</pre>
 *
 * <p>{@link #transformSchema} reads the model and checks the input schema against it before anything runs.
 * {@link #transform} is lazy, except that with {@code batchSize} or {@code predictionPath} left at {@code auto} its
 * first call runs calibration: one Spark job over {@code calibrationRows} sampled rows of that DataFrame (none when
 * the plan store has a plan for this model and hardware); later calls of this instance reuse the plan. Bad rows (null, NaN, infinite features,
 * arrays of the wrong length) follow {@code badRows}: {@code reason} keeps them with null predictions and a reason
 * column (they are read a second time for that), {@code drop} drops them and counts them in
 * {@link #lastTransformMetrics()}, {@code fail} fails the first task that meets one.
 *
 * <p>Saved with {@code write().save(dir)} or inside a {@code PipelineModel}: the params are saved, the model file is
 * not (the saved stage reads {@code modelPath} again when it scores). Instances are used from the driver, one thread
 * at a time, as Spark ML stages are.
 */
public final class SparkScoreModel extends Transformer implements DefaultParamsWritable {

    private static final Logger LOG = LoggerFactory.getLogger(SparkScoreModel.class);
    private static final String AUTO = "auto";

    private final String uid;

    private final Param<String> modelPath;
    private final Param<String> signature;
    private final StringArrayParam tags;
    private final StringArrayParam featureCols;
    private final Param<String> featuresCol;
    private final StringArrayParam inputMap;
    private final Param<String> predictionCol;
    private final StringArrayParam predictionCols;
    private final Param<String> outputMode;
    private final Param<String> batchSize;
    private final Param<String> predictionPath;
    private final Param<String> calibration;
    private final IntParam calibrationRows;
    private final LongParam calibrationBudgetMillis;
    private final Param<String> planStore;
    private final Param<String> badRows;
    private final Param<String> reasonCol;
    private final BooleanParam allowNaN;
    private final LongParam broadcastThresholdBytes;

    /** The model read for the current model params; params may change between calls, so it is keyed by them. */
    private transient ModelSpec spec;
    private transient String specKey;
    /** The plan the first calibrating transform chose, and for which model and params. */
    private transient ScoringRun.ChosenPlan calibrated;
    private transient String calibratedKey;
    private transient ScoringRun.ChosenPlan lastPlan;
    private transient JobMetrics lastMetrics;

    public SparkScoreModel() {
        this(Identifiable.randomUID("sparkScore"));
    }

    /** For Spark ML's reader and {@link #copy}. */
    public SparkScoreModel(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "Keras file (.keras, .h5) or TensorFlow SavedModel directory, any"
                + " Hadoop FS URI", (String s) -> s != null && !s.isBlank());
        signature = new Param<>(this, "signature", "SavedModel signature key to score (ignored for Keras files)",
                (String s) -> s != null && !s.isBlank());
        tags = new StringArrayParam(this, "tags", "SavedModel MetaGraphDef tags (ignored for Keras files)",
                (String[] a) -> a.length > 0);
        featureCols = new StringArrayParam(this, "featureCols", "numeric columns feeding a single-input model, in"
                + " order (reshaped in C order); or use featuresCol or inputMap", (String[] a) -> a.length > 0);
        featuresCol = new Param<>(this, "featuresCol", "one array or Spark ML Vector column feeding a single-input"
                + " model; or use featureCols or inputMap", (String s) -> s != null && !s.isBlank());
        inputMap = new StringArrayParam(this, "inputMap", "one entry per model input, input=col1,col2 or"
                + " input=arrayCol[], for multi-input models", (String[] a) -> a.length > 0);
        predictionCol = new Param<>(this, "predictionCol", "name of the prediction column of a single-output model",
                (String s) -> s != null && !s.isBlank());
        predictionCols = new StringArrayParam(this, "predictionCols", "names of the prediction columns, one per model"
                + " output (default: the output names)", (String[] a) -> a.length > 0);
        outputMode = new Param<>(this, "outputMode", "probabilities (raw outputs), argmax (class index) or"
                + " threshold=<t> (1 where the value is at least t, else 0)", SparkScoreModel::isOutputMode);
        batchSize = new Param<>(this, "batchSize", "rows per prediction call: a positive number, or auto (calibrated)",
                SparkScoreModel::isBatchSize);
        predictionPath = new Param<>(this, "predictionPath", "auto (calibrated), tf (TensorFlow Java) or jvm (pure"
                + " Java)", ParamValidators.inArray(new String[] {AUTO, PredictionPath.TF.id(),
                PredictionPath.JVM.id()}));
        calibration = new Param<>(this, "calibration", "auto: calibrate on the first transform unless batchSize and"
                + " predictionPath are both fixed, then reuse the plan; force: on every transform; off", ParamValidators.inArray(new String[] {AUTO, "force",
                "off"}));
        calibrationRows = new IntParam(this, "calibrationRows", "rows calibration samples from the DataFrame",
                ParamValidators.gtEq(1));
        calibrationBudgetMillis = new LongParam(this, "calibrationBudgetMillis", "most time calibration may spend"
                + " measuring", ParamValidators.gt(0));
        planStore = new Param<>(this, "planStore", "Hadoop FS directory where calibrated plans are kept and reused"
                + " (empty: none)", (String s) -> s != null);
        badRows = new Param<>(this, "badRows", "rows with null, NaN, infinite or wrong-length features: reason (kept,"
                + " null predictions, reasonCol says why), drop (dropped and counted) or fail",
                ParamValidators.inArray(new String[] {"reason", "drop", "fail"}));
        reasonCol = new Param<>(this, "reasonCol", "column saying why a row was not scored (badRows=reason)",
                (String s) -> s != null && !s.isBlank());
        allowNaN = new BooleanParam(this, "allowNaN", "score NaN feature values instead of treating them as bad rows");
        broadcastThresholdBytes = new LongParam(this, "broadcastThresholdBytes", "models with more weight bytes are"
                + " read by each executor from modelPath instead of being broadcast", ParamValidators.gtEq(0));

        setDefault(signature, SavedModelOptions.DEFAULT_SIGNATURE);
        setDefault(tags, SavedModelOptions.DEFAULT_TAGS.toArray(String[]::new));
        setDefault(predictionCol, ScoringConfig.DEFAULT_PREDICTION_COLUMN);
        setDefault(outputMode, ScoringConfig.DEFAULT_OUTPUT_MODE);
        setDefault(batchSize, AUTO);
        setDefault(predictionPath, AUTO);
        setDefault(calibration, AUTO);
        setDefault(calibrationRows, ScoringConfig.DEFAULT_CALIBRATION_ROWS);
        setDefault(calibrationBudgetMillis, ScoringConfig.DEFAULT_CALIBRATION_BUDGET_MILLIS);
        setDefault(planStore, "");
        setDefault(badRows, "reason");
        setDefault(reasonCol, "reason");
        setDefault(allowNaN, false);
        setDefault(broadcastThresholdBytes, ScoringConfig.DEFAULT_BROADCAST_THRESHOLD_BYTES);
    }

    private static boolean isOutputMode(String s) {
        if (s == null) {
            return false;
        }
        if (s.equals("probabilities") || s.equals("argmax")) {
            return true;
        }
        try {
            return s.startsWith("threshold=") && !Float.isNaN(Float.parseFloat(s.substring("threshold=".length())));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isBatchSize(String s) {
        if (AUTO.equals(s)) {
            return true;
        }
        try {
            return Integer.parseInt(s) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---- params, the Spark ML way: one accessor per param (named like it), a getter and a setter ----

    public Param<String> modelPath() {
        return modelPath;
    }

    public Param<String> signature() {
        return signature;
    }

    public StringArrayParam tags() {
        return tags;
    }

    public StringArrayParam featureCols() {
        return featureCols;
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public StringArrayParam inputMap() {
        return inputMap;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public StringArrayParam predictionCols() {
        return predictionCols;
    }

    public Param<String> outputMode() {
        return outputMode;
    }

    public Param<String> batchSize() {
        return batchSize;
    }

    public Param<String> predictionPath() {
        return predictionPath;
    }

    public Param<String> calibration() {
        return calibration;
    }

    public IntParam calibrationRows() {
        return calibrationRows;
    }

    public LongParam calibrationBudgetMillis() {
        return calibrationBudgetMillis;
    }

    public Param<String> planStore() {
        return planStore;
    }

    public Param<String> badRows() {
        return badRows;
    }

    public Param<String> reasonCol() {
        return reasonCol;
    }

    public BooleanParam allowNaN() {
        return allowNaN;
    }

    public LongParam broadcastThresholdBytes() {
        return broadcastThresholdBytes;
    }

    public String getModelPath() {
        return $(modelPath);
    }

    public String getPredictionCol() {
        return $(predictionCol);
    }

    public String getBadRows() {
        return $(badRows);
    }

    public String getReasonCol() {
        return $(reasonCol);
    }

    public SparkScoreModel setModelPath(String v) {
        return (SparkScoreModel) set(modelPath, v);
    }

    public SparkScoreModel setSignature(String v) {
        return (SparkScoreModel) set(signature, v);
    }

    public SparkScoreModel setTags(String[] v) {
        return (SparkScoreModel) set(tags, v);
    }

    public SparkScoreModel setFeatureCols(String[] v) {
        return (SparkScoreModel) set(featureCols, v);
    }

    public SparkScoreModel setFeaturesCol(String v) {
        return (SparkScoreModel) set(featuresCol, v);
    }

    public SparkScoreModel setInputMap(String[] v) {
        return (SparkScoreModel) set(inputMap, v);
    }

    public SparkScoreModel setPredictionCol(String v) {
        return (SparkScoreModel) set(predictionCol, v);
    }

    public SparkScoreModel setPredictionCols(String[] v) {
        return (SparkScoreModel) set(predictionCols, v);
    }

    public SparkScoreModel setOutputMode(String v) {
        return (SparkScoreModel) set(outputMode, v);
    }

    /** A positive number of rows per prediction call, or {@code auto}. */
    public SparkScoreModel setBatchSize(String v) {
        return (SparkScoreModel) set(batchSize, v);
    }

    public SparkScoreModel setBatchSize(int v) {
        return setBatchSize(Integer.toString(v));
    }

    public SparkScoreModel setPredictionPath(String v) {
        return (SparkScoreModel) set(predictionPath, v);
    }

    public SparkScoreModel setCalibration(String v) {
        return (SparkScoreModel) set(calibration, v);
    }

    public SparkScoreModel setCalibrationRows(int v) {
        return (SparkScoreModel) set(calibrationRows, v);
    }

    public SparkScoreModel setCalibrationBudgetMillis(long v) {
        return (SparkScoreModel) set(calibrationBudgetMillis, v);
    }

    public SparkScoreModel setPlanStore(String v) {
        return (SparkScoreModel) set(planStore, v);
    }

    public SparkScoreModel setBadRows(String v) {
        return (SparkScoreModel) set(badRows, v);
    }

    public SparkScoreModel setReasonCol(String v) {
        return (SparkScoreModel) set(reasonCol, v);
    }

    public SparkScoreModel setAllowNaN(boolean v) {
        return (SparkScoreModel) set(allowNaN, v);
    }

    public SparkScoreModel setBroadcastThresholdBytes(long v) {
        return (SparkScoreModel) set(broadcastThresholdBytes, v);
    }

    // ---- the stage ----

    /** The scoring settings these params stand for. */
    public ScoringConfig config() {
        if (!isDefined(modelPath)) {
            throw JobException.config("SparkScoreModel needs a model: call setModelPath");
        }
        Optional<Integer> batch = AUTO.equals($(batchSize)) ? Optional.empty()
                : Optional.of(Integer.parseInt($(batchSize)));
        Optional<PredictionPath> path = AUTO.equals($(predictionPath)) ? Optional.empty()
                : Optional.of(PredictionPath.parse($(predictionPath)));
        return new ScoringConfig($(modelPath), new SavedModelOptions($(signature), List.of($(tags))), bindings(),
                predictionColumns(), $(outputMode), batch, path, Calibration.parse($(calibration)),
                (Integer) $(calibrationRows), (Long) $(calibrationBudgetMillis),
                $(planStore).isEmpty() ? null : $(planStore), (Boolean) $(allowNaN),
                (Long) $(broadcastThresholdBytes));
    }

    private List<InputBinding> bindings() {
        int given = (isDefined(featureCols) ? 1 : 0) + (isDefined(featuresCol) ? 1 : 0)
                + (isDefined(inputMap) ? 1 : 0);
        if (given == 0) {
            // one Input per column, named after it: structured-data models bind by name
            return List.of(InputBinding.byInputNames());
        }
        if (given != 1) {
            throw JobException.config("SparkScoreModel takes at most one of featureCols (scalar columns),"
                    + " featuresCol (one array or vector column) and inputMap (multi-input models), but " + given
                    + " are set");
        }
        if (isDefined(featureCols)) {
            return List.of(InputBinding.scalars(InputBinding.SINGLE_INPUT, List.of($(featureCols))));
        }
        if (isDefined(featuresCol)) {
            return List.of(InputBinding.array(InputBinding.SINGLE_INPUT, $(featuresCol)));
        }
        return Arrays.stream($(inputMap)).map(InputBinding::parse).toList();
    }

    /** Explicit names only; left empty, a single output is called predictionCol and several keep their names. */
    private List<String> predictionColumns() {
        if (isDefined(predictionCols)) {
            return List.of($(predictionCols));
        }
        return isSet(predictionCol) ? List.of($(predictionCol)) : List.of();
    }

    /**
     * The input schema plus the prediction column(s) (and the reason column under {@code badRows=reason}). Reads the
     * model and checks every feature column against it: missing columns, non-numeric types, feature counts that do
     * not match the model's input, name collisions.
     */
    @Override
    public StructType transformSchema(StructType schema) {
        ScoringConfig config = config();
        ModelSpec model = spec(config);
        checkNoCollision(schema, model);
        SparkSession spark = SparkSession.active();
        Dataset<Row> empty = spark.createDataFrame(List.of(), schema);
        StructType scored = ScoringRun.outputSchema(config, model, empty, List.of(schema.fieldNames()), false);
        if (!$(badRows).equals("reason")) {
            return scored;
        }
        List<StructField> fields = new ArrayList<>();
        for (StructField f : scored.fields()) {
            boolean prediction = !schema.getFieldIndex(f.name()).isDefined();
            fields.add(prediction ? new StructField(f.name(), f.dataType(), true, f.metadata()) : f);
        }
        fields.add(DataTypes.createStructField($(reasonCol), DataTypes.StringType, true));
        return new StructType(fields.toArray(StructField[]::new));
    }

    private void checkNoCollision(StructType schema, ModelSpec model) {
        List<String> outputs = new ArrayList<>(predictionColumns());
        if (outputs.isEmpty()) {
            List<String> names = ModelSignature.of(model).outputNames();
            outputs.addAll(names.size() == 1 ? List.of($(predictionCol)) : names);
        }
        if ($(badRows).equals("reason")) {
            outputs.add($(reasonCol));
        }
        List<String> internal = List.of(RowChecks.REASON, RowChecks.REASON_CODE);
        for (String c : schema.fieldNames()) {
            if (outputs.contains(c)) {
                throw JobException.data("SparkScoreModel would add column '" + c + "' but the input already has one;"
                        + " set predictionCol/predictionCols/reasonCol to another name or drop the input column");
            }
        }
        for (String c : internal) {
            if (schema.getFieldIndex(c).isDefined()) {
                throw JobException.data("input column '" + c + "' has a name SparkScoreModel uses for its row"
                        + " checks; rename it before scoring");
            }
        }
    }

    private ModelSpec spec(ScoringConfig config) {
        String key = config.modelPath() + "|" + config.savedModel();
        if (spec == null || !key.equals(specKey)) {
            spec = ScoringRun.readModel(config.modelPath(), config.savedModel(),
                    SparkSession.active().sparkContext().hadoopConfiguration());
            specKey = key;
        }
        return spec;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        Dataset<Row> df = dataset.toDF();
        StructType expected = transformSchema(df.schema());
        ScoringConfig config = config();
        List<String> columns = List.of(df.schema().fieldNames());
        ModelSpec model = spec(config);
        ScoringRun run = ScoringRun.prepare(df.sparkSession(), config, model, df, columns, false);
        ScoringRun.ChosenPlan chosen = choosePlan(run, config, model.hash() + "|" + config, df);
        LOG.info("{} scores with {} ({})", uid, chosen.plan(), chosen.source());
        JobMetrics metrics = JobMetrics.register(df.sparkSession().sparkContext());
        lastPlan = chosen;
        lastMetrics = metrics;
        Dataset<Row> scored = switch ($(badRows)) {
            case "drop" -> run.score(chosen.plan(), metrics);
            case "fail" -> run.score(chosen.plan(), metrics, SparkScoreModel::failing);
            default -> withBadRows(run, run.score(chosen.plan(), metrics), columns, expected);
        };
        return scored;
    }

    /**
     * The plan for this transform: calibrated (or taken from the plan store) on the first transform, then reused by
     * this stage's later transforms with the same model and params, unless {@code calibration=force}.
     */
    private ScoringRun.ChosenPlan choosePlan(ScoringRun run, ScoringConfig config, String planKey, Dataset<Row> df) {
        if (calibrated != null && planKey.equals(calibratedKey) && !"force".equals($(calibration))) {
            return new ScoringRun.ChosenPlan(calibrated.plan(), "reused", calibrated.report());
        }
        // a transform runs no job to count the rows: calibration's budget follows the plan's estimate of them, read
        // (from Parquet footers, say) only when calibration runs
        ScoringRun.ChosenPlan chosen = run.choosePlan(() -> RowEstimate.of(df).orElse(0));
        if (chosen.report() != null) {
            calibrated = chosen;
            calibratedKey = planKey;
        }
        return chosen;
    }

    /** Fails the task on a bad row, with its reason. */
    private static Column failing(Column reason, Column code) {
        return when(reason.isNotNull(), raise_error(concat(lit("bad row: "), reason, lit(" (SparkScoreModel"
                + " badRows=fail stops at the first one; set badRows to reason or drop to score the rest)"))))
                .otherwise(code);
    }

    /** The scored rows and, with null predictions and their reason, the bad ones. */
    private Dataset<Row> withBadRows(ScoringRun run, Dataset<Row> scored, List<String> columns, StructType expected) {
        String reason = $(reasonCol);
        Dataset<Row> good = scored.withColumn(reason, lit(null).cast(DataTypes.StringType));
        List<Column> cols = new ArrayList<>();
        for (StructField f : expected.fields()) {
            if (f.name().equals(reason)) {
                cols.add(col(RowChecks.REASON).as(reason));
            } else if (columns.contains(f.name())) {
                cols.add(col(RowChecks.quote(run.keptColumnInChecked(f.name()))).as(f.name()));
            } else {
                cols.add(lit(null).cast(f.dataType()).as(f.name()));
            }
        }
        Dataset<Row> bad = run.checkedRows().filter(col(RowChecks.REASON).isNotNull())
                .select(cols.toArray(Column[]::new));
        return good.union(bad);
    }

    /**
     * The plan the last {@link #transform} scores with, and where it came from: {@code fixed}, {@code calibrated},
     * {@code stored} (the plan store) or {@code reused} (an earlier transform of this instance calibrated it).
     */
    public Optional<ScoringRun.ChosenPlan> lastPlan() {
        return Optional.ofNullable(lastPlan);
    }

    /**
     * The counters of the last {@link #transform}'s scoring tasks (rows read, scored, bad by reason); filled in as
     * its result is computed.
     */
    public Optional<JobMetrics> lastTransformMetrics() {
        return Optional.ofNullable(lastMetrics);
    }

    @Override
    public SparkScoreModel copy(ParamMap extra) {
        return copyValues(new SparkScoreModel(uid), extra);
    }

    public static MLReader<SparkScoreModel> read() {
        return new DefaultParamsReader<>();
    }

    public static SparkScoreModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "SparkScoreModel[" + uid + ", model " + (isDefined(modelPath) ? $(modelPath) : "(not set)") + "]";
    }
}
