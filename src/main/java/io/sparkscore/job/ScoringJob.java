package io.sparkscore.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkscore.calibration.CalibrationChart;
import io.sparkscore.calibration.CalibrationReport;
import io.sparkscore.calibration.CalibrationSettings;
import io.sparkscore.calibration.CalibrationTable;
import io.sparkscore.calibration.HardwareSignature;
import io.sparkscore.calibration.Plan;
import io.sparkscore.calibration.PlanStore;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.keras.KerasModelReader;
import io.sparkscore.runtime.ModelSignature;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.PredictionPaths;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The driver side of a scoring run.
 *
 * <pre>
 *  driver                                   executors (one model per JVM, cached by hash)
 *  ──────                                   ─────────────────────────────────────────────
 *  model file ─▶ KerasModelReader ─▶ ModelSpec ─▶ Broadcast ─┐
 *  input ─▶ select(keep + features) ─▶ FeatureMapping check  │
 *                     │                                       ▼
 *                     ├─▶ limit(sample) ─▶ CalibrationTask: ModelCache ─▶ Calibrator ─▶ Plan
 *                     │                                       │
 *                     └─▶ mapPartitions(PartitionScorer): ModelCache ─▶ Predictor(plan.batch)
 *                                         rows ─▶ float[][] ─▶ predict ─▶ rows(keep…, prediction)
 *                                                                          │
 *  _sparkscore_summary.json, _sparkscore_calibration.{json,png} ◀── write Parquet (output)
 * </pre>
 *
 * Everything that can be checked before scoring is checked here first: the model is readable and supported by the
 * chosen path(s), the features fit the model, the output path may be written.
 */
public final class ScoringJob {

    private static final Logger LOG = LoggerFactory.getLogger(ScoringJob.class);
    public static final String SUMMARY_FILE = "_sparkscore_summary.json";
    public static final String CALIBRATION_JSON = "_sparkscore_calibration.json";
    public static final String CALIBRATION_PNG = "_sparkscore_calibration.png";

    private final SparkSession spark;
    private final JobOptions options;

    public ScoringJob(SparkSession spark, JobOptions options) {
        this.spark = spark;
        this.options = options;
    }

    /** The result of a run: its summary and, when calibration ran, the calibration report. */
    public record Result(RunSummary summary, CalibrationReport calibration) {
    }

    /** What the driver resolved before any partition runs; everything checked, nothing scored yet. */
    private record Prepared(ModelSpec spec, List<PredictionPath> paths, Map<String, String> excluded,
                            Dataset<Row> projected, RowBatch.Factory batches, StructType outSchema,
                            Broadcast<ModelSpec> broadcast) {
    }

    /** Validates, calibrates (unless the plan is fixed), scores, writes the output and the side files. */
    public Result run() {
        long start = System.currentTimeMillis();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        options.requireOutputPath();
        if (options.mode() == JobOptions.WriteMode.ERROR && OutputFiles.exists(options.outputPath(), hadoop)) {
            throw JobException.config("output path " + options.outputPath() + " already exists; choose a new path or"
                    + " pass --mode overwrite to replace it");
        }
        Prepared p = prepare(hadoop);
        CalibrationReport calibration = null;
        String planSource = "fixed";
        Plan plan;
        if (options.calibrates()) {
            HardwareSignature hardware = HardwareProbe.ofExecutors(spark);
            String planKey = planKey(p.spec());
            Optional<CalibrationReport> stored = options.calibration() == JobOptions.Calibration.AUTO
                    ? planStore().flatMap(s -> s.find(planKey, hardware)) : Optional.empty();
            if (stored.isPresent()) {
                calibration = stored.get();
                planSource = "stored";
                LOG.info("Reusing the stored plan for model {} on this hardware: {}", p.spec().shortHash(),
                        calibration.chosen());
            } else {
                calibration = calibrate(p);
                planSource = "calibrated";
                CalibrationReport report = calibration;
                planStore().ifPresent(s -> s.save(planKey, hardware, report));
            }
            plan = calibration.chosen();
            System.out.print(CalibrationTable.render(calibration));
        } else {
            plan = new Plan(options.path().orElse(p.paths().get(0)),
                    options.batchSize().orElse(JobOptions.DEFAULT_BATCH_WITHOUT_CALIBRATION), taskCpus());
        }
        LOG.info("Scoring with {}", plan);

        JobMetrics metrics = JobMetrics.register(spark.sparkContext());
        spark.sparkContext().setJobDescription("sparkscore: count input rows");
        long rowsIn = p.projected().count();
        spark.sparkContext().setJobDescription("sparkscore: score " + options.inputPath() + " with " + plan);
        Dataset<Row> scored = p.projected().mapPartitions(new PartitionScorer(p.broadcast(), p.spec().hash(), plan,
                p.batches(), metrics), Encoders.row(p.outSchema()));
        scored.write().mode(options.mode() == JobOptions.WriteMode.OVERWRITE ? SaveMode.Overwrite
                : SaveMode.ErrorIfExists).parquet(options.outputPath());
        spark.sparkContext().setJobDescription(null);

        long rowsScored = metrics.rowsScored().value();
        if (rowsScored != rowsIn) {
            throw JobException.data("row reconciliation failed: " + rowsIn + " rows in but " + rowsScored
                    + " scored; the output at " + options.outputPath() + " is incomplete - rerun with --mode"
                    + " overwrite");
        }
        long millis = Math.max(1, System.currentTimeMillis() - start);
        List<TaskReport> reports = metrics.tasks().value().stream().map(TaskReport::parse).toList();
        ModelSpec spec = p.spec();
        RunSummary summary = new RunSummary(
                new RunSummary.Model(options.modelPath(), spec.name(), spec.hash(), spec.sourceFormat(),
                        spec.kerasVersion(), spec.paramCount()),
                options.inputPath(), options.outputPath(),
                new RunSummary.PlanInfo(plan.path().id(), plan.batchSize(), plan.intraOpThreads(),
                        planSource, planSource.equals("calibrated") ? calibration.durationMillis() : 0),
                new RunSummary.Rows(rowsIn, rowsScored), millis, rowsScored * 1000.0 / millis,
                ExecutorUsage.summarise(reports), spark.sparkContext().applicationId(),
                Map.of("sparkscore", BuildInfo.sparkscoreVersion(), "spark", spark.version(),
                        "tensorflow-java", BuildInfo.tensorflowJavaVersion(),
                        "java", System.getProperty("java.version")));
        writeSideFiles(summary, calibration, hadoop);
        return new Result(summary, calibration);
    }

    /** Runs only the calibration stage (the {@code calibrate} command); writes nothing. */
    public CalibrationReport calibrateOnly() {
        return calibrate(prepare(spark.sparkContext().hadoopConfiguration()));
    }

    private Prepared prepare(Configuration hadoop) {
        ModelSpec spec = readModel(options.modelPath(), hadoop);
        ModelSignature signature = ModelSignature.of(spec);
        Map<String, String> excluded = new LinkedHashMap<>();
        List<PredictionPath> paths = runnablePaths(spec, excluded);
        Dataset<Row> input = InputSource.read(spark, options.inputPath(), options.inputFormat());
        List<String> columns = projection(input.schema());
        Dataset<Row> projected = input.select(columns.stream().map(functions::col).toArray(Column[]::new));
        StructType schema = projected.schema();
        FeatureMapping features = FeatureMapping.resolve(schema, options.bindings(), signature, options.allowNaN());
        int[] keepIndexes = options.keep().stream().mapToInt(schema::fieldIndex).toArray();
        RowKey rowKey = new RowKey(keepIndexes, options.keep().toArray(String[]::new));
        OutputLayout output = OutputLayout.of(signature, options.predictionColumns(), "prediction");
        StructType outSchema = output.schema(keptFields(schema, keepIndexes));
        int[] inputSizes = new int[signature.inputCount()];
        for (int i = 0; i < inputSizes.length; i++) {
            inputSizes[i] = signature.inputSize(i);
        }
        Broadcast<ModelSpec> broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(spec);
        LOG.info("Broadcast model {} ({} params, hash {})", spec.name(), spec.paramCount(), spec.shortHash());
        return new Prepared(spec, paths, excluded, projected,
                new RowBatch.Factory(features, rowKey, keepIndexes, output, inputSizes), outSchema, broadcast);
    }

    static ModelSpec readModel(String path, Configuration hadoop) {
        long t0 = System.currentTimeMillis();
        ModelSpec spec = KerasModelReader.read(path, hadoop);
        LOG.info("Read model {} from {} in {} ms: {}", spec.name(), path, System.currentTimeMillis() - t0, spec);
        return spec;
    }

    /** The candidate paths: those the user allows and that support every layer. */
    private List<PredictionPath> runnablePaths(ModelSpec spec, Map<String, String> excluded) {
        Map<PredictionPath, String> unsupported = PredictionPaths.unsupportedPaths(spec);
        List<PredictionPath> paths = new ArrayList<>();
        for (PredictionPath p : PredictionPath.values()) {
            if (options.path().isPresent() && options.path().get() != p) {
                excluded.put(p.id(), "--path " + options.path().get().id() + " was requested");
            } else if (unsupported.containsKey(p)) {
                excluded.put(p.id(), unsupported.get(p));
            } else {
                paths.add(p);
            }
        }
        if (paths.isEmpty()) {
            throw new ModelException("no prediction path can run model " + options.modelPath() + ": " + excluded);
        }
        return paths;
    }

    private List<String> projection(StructType schema) {
        Set<String> cols = new LinkedHashSet<>(options.keep());
        cols.addAll(FeatureMapping.columnsOf(options.bindings()));
        Set<String> available = Set.of(schema.fieldNames());
        for (String k : options.keep()) {
            if (!available.contains(k)) {
                throw JobException.data("--keep column '" + k + "' is not in the input; available columns: "
                        + String.join(", ", schema.fieldNames()));
            }
        }
        for (String f : FeatureMapping.columnsOf(options.bindings())) {
            if (!available.contains(f)) {
                throw JobException.data("feature column '" + f + "' is not in the input; available columns: "
                        + String.join(", ", schema.fieldNames()));
            }
        }
        return new ArrayList<>(cols);
    }

    private static StructType keptFields(StructType schema, int[] keepIndexes) {
        StructField[] fields = new StructField[keepIndexes.length];
        for (int i = 0; i < keepIndexes.length; i++) {
            fields[i] = schema.fields()[keepIndexes[i]];
        }
        return new StructType(fields);
    }

    private CalibrationReport calibrate(Prepared p) {
        CalibrationSettings settings = CalibrationSettings.defaults()
                .withMaxThreads(taskCpus())
                .withBudget(100, 300, options.calibrationBudgetMillis());
        if (options.batchSize().isPresent()) {
            settings = settings.withLadder(options.batchSize().get());
        }
        spark.sparkContext().setJobDescription("sparkscore: calibration on " + options.calibrationRows()
                + " sampled rows (paths " + p.paths() + ")");
        Dataset<Row> sample = p.projected().limit(options.calibrationRows()).coalesce(1);
        List<byte[]> result = sample.mapPartitions(new CalibrationTask(p.broadcast(), p.spec().hash(), p.batches(),
                p.paths(), p.excluded(), settings), Encoders.BINARY()).collectAsList();
        spark.sparkContext().setJobDescription(null);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(result.get(0)))) {
            return (CalibrationReport) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new JobException(JobException.RUNTIME, "calibration result could not be read back", e);
        }
    }

    /** Stored plans are only valid for the same model and the same constraints on the plan. */
    private String planKey(ModelSpec spec) {
        return spec.hash() + "|batch=" + options.batchSize().map(String::valueOf).orElse("auto") + "|path="
                + options.path().map(PredictionPath::id).orElse("auto") + "|rows=" + options.calibrationRows();
    }

    private Optional<PlanStore> planStore() {
        return Optional.ofNullable(options.planStore())
                .map(dir -> new PlanStore(dir, spark.sparkContext().hadoopConfiguration()));
    }

    private int taskCpus() {
        return spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
    }

    private void writeSideFiles(RunSummary summary, CalibrationReport calibration, Configuration hadoop) {
        String out = options.outputPath();
        OutputFiles.writeText(out, SUMMARY_FILE, summary.toJson(), hadoop);
        if (calibration != null) {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            OutputFiles.write(out, CALIBRATION_JSON, o -> json.writeValue(o, calibration), hadoop);
            OutputFiles.write(out, CALIBRATION_PNG, o -> CalibrationChart.writePng(calibration, o), hadoop);
        }
    }
}
