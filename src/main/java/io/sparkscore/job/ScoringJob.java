package io.sparkscore.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkscore.SparkScoreException;
import io.sparkscore.calibration.CalibrationChart;
import io.sparkscore.calibration.CalibrationReport;
import io.sparkscore.calibration.CalibrationTable;
import io.sparkscore.calibration.Plan;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.ModelReaders;
import io.sparkscore.model.savedmodel.SavedModelOptions;
import io.sparkscore.runtime.ModelSignature;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.PredictionPaths;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * The driver side of a scoring run.
 *
 * <pre>
 *  driver                                        executors (one model per JVM, cached by hash)
 *  ──────                                        ─────────────────────────────────────────────
 *  model file ─▶ ModelReaders     ─▶ ModelSpec ─▶ Broadcast ───────────────┐
 *  input (+where, +sample) ─▶ RowChecks: keep + features + reason          │
 *        ├─ reason != null ─▶ BadRows: fail │ skip │ quarantine (_quarantine/)
 *        └─ good rows ─┬─▶ limit(sample) ─▶ CalibrationTask: ModelCache ─▶ Calibrator ─▶ Plan (PlanStore)
 *                      └─▶ mapPartitions(PartitionScorer): ModelCache ─▶ Predictor(plan.batch)
 *                               rows ─▶ float[][] ─▶ predict ─▶ rows(keep…, prediction…) ─▶ write (commit protocol)
 *  reconcile rows in = scored + bad ─▶ _sparkscore_summary.json, _sparkscore_calibration.{json,png}
 * </pre>
 *
 * Everything that can be checked before scoring is checked first, on the driver, before any Spark job: the model is
 * readable and runnable on the chosen path(s) (graph limits included), the features fit the model, the output format
 * can hold the scored columns, the output and quarantine locations are resolved and may be written. A failure once
 * writing began commits nothing (Spark's commit protocol; {@link StagedOverwrite} for {@code --mode overwrite}),
 * leaves a failed-run summary and says so ({@link JobFailedException}).
 */
public final class ScoringJob {

    private static final Logger LOG = LoggerFactory.getLogger(ScoringJob.class);
    public static final String SUMMARY_FILE = "_sparkscore_summary.json";
    public static final String CALIBRATION_JSON = "_sparkscore_calibration.json";
    public static final String CALIBRATION_PNG = "_sparkscore_calibration.png";
    static final long DEFAULT_PROGRESS_MILLIS = 5_000;

    private final SparkSession spark;
    private final JobOptions options;

    private final long progressMillis;
    private final Consumer<String> progressSink;

    public ScoringJob(SparkSession spark, JobOptions options) {
        this(spark, options, DEFAULT_PROGRESS_MILLIS, LOG::info);
    }

    /** With a progress line every {@code progressMillis} to {@code progressSink}. */
    ScoringJob(SparkSession spark, JobOptions options, long progressMillis, Consumer<String> progressSink) {
        this.spark = spark;
        this.options = options;
        this.progressMillis = progressMillis;
        this.progressSink = progressSink;
    }

    /** The result of a run: its summary and, when calibration ran or a stored plan was used, its report. */
    public record Result(RunSummary summary, CalibrationReport calibration) {
    }

    /** What the driver resolved before any partition runs; everything checked, nothing scored yet. */
    private record Prepared(ModelSpec spec, List<PredictionPath> paths, Map<String, String> excluded,
                            Dataset<Row> input, Dataset<Row> checked, Dataset<Row> good, RowBatch.Factory batches,
                            StructType outSchema, ModelSource model) {
    }

    /** Validates, calibrates (unless the plan is fixed), scores, writes the output and the side files. */
    public Result run() {
        long start = System.currentTimeMillis();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        checkOutputIsWritable(hadoop);
        Prepared p = prepare(hadoop);
        CalibrationStage calibrationStage = new CalibrationStage(spark, options);
        BadRows bad = new BadRows(options, p.checked());
        spark.sparkContext().setJobDescription("sparkscore: check for bad rows (--bad-rows fail)");
        bad.failOnFirst();
        // an independent count of the input, taken when calibration needs the job's size anyway
        Optional<Long> counted = Optional.empty();
        if (options.calibrates()) {
            spark.sparkContext().setJobDescription("sparkscore: count input rows");
            counted = Optional.of(p.input().count());
        }

        CalibrationReport calibration = null;
        String planSource = "fixed";
        Plan plan;
        if (options.calibrates()) {
            CalibrationStage.Outcome outcome = calibrationStage.choosePlan(p.good(), p.batches(), p.model(),
                    p.spec(), p.paths(), p.excluded(), counted.get());
            calibration = outcome.report();
            planSource = outcome.source();
            plan = calibration.chosen();
            System.out.print(CalibrationTable.render(calibration));
        } else {
            plan = new Plan(options.path().orElse(p.paths().get(0)),
                    options.batchSize().orElse(JobOptions.DEFAULT_BATCH_WITHOUT_CALIBRATION),
                    calibrationStage.taskCpus());
        }
        LOG.info("Scoring with {}", plan);

        JobMetrics metrics = JobMetrics.register(spark.sparkContext());
        spark.sparkContext().setJobDescription(ProgressReporter.SCORING_JOB + options.inputName() + " with "
                + plan);
        long scoringStart = System.currentTimeMillis();
        // scoring reads every checked row: it scores the good ones and counts the bad ones in the same pass
        Dataset<Row> scored = p.checked().mapPartitions(new PartitionScorer(p.model(), p.spec().hash(), plan,
                p.batches(), p.checked().schema().fieldIndex(RowChecks.REASON_CODE), metrics,
                FaultInjection.from(spark.conf())), Encoders.row(p.outSchema()));
        try (ProgressReporter progress = new ProgressReporter(spark.sparkContext(), metrics.rowsScored(),
                counted.orElse(0L), progressMillis, progressSink)) {
            try {
                OutputSink.write(withMetadata(scored, p.spec()), options, options.outputPath(),
                        options.outputTable());
            } catch (SparkScoreException e) {
                throw e; // refused on the driver before the write began
            } catch (Exception e) { // Spark throws its checked SparkException undeclared
                throw scoringFailed(e, start, hadoop);
            }
            progressSink.accept(progress.line());
        }
        long scoringMillis = Math.max(1, System.currentTimeMillis() - scoringStart);
        bad.record(metrics.badRowsByCode());
        Map<String, Long> badByReason = bad.countsByCode();
        spark.sparkContext().setJobDescription("sparkscore: write quarantined rows");
        bad.quarantine();
        spark.sparkContext().setJobDescription(null);

        long rowsScored = metrics.rowsScored().value();
        long rowsBad = bad.total();
        long rowsIn = metrics.rowsIn().value();
        if (rowsIn != rowsScored + rowsBad || counted.isPresent() && counted.get() != rowsIn) {
            throw JobException.data("row reconciliation failed: " + counted.map(c -> c + " rows counted, ").orElse("")
                    + rowsIn + " rows read by the scoring tasks but " + rowsScored
                    + " scored and " + rowsBad + " bad (" + badByReason + "); the output at "
                    + options.outputName() + " is incomplete - rerun with --mode overwrite");
        }
        RunSummary summary = summarize(p, plan, planSource, calibration,
                new RunSummary.Rows(rowsIn, rowsScored,
                        options.badRows() == BadRowPolicy.QUARANTINE ? rowsBad : 0,
                        options.badRows() == BadRowPolicy.SKIP ? rowsBad : 0, badByReason),
                System.currentTimeMillis() - start, scoringMillis, metrics);
        writeSideFiles(summary, calibration, hadoop);
        return new Result(summary, calibration);
    }

    /** Runs only the calibration stage (the {@code calibrate} command); writes nothing. */
    public CalibrationReport calibrateOnly() {
        Prepared p = prepare(spark.sparkContext().hadoopConfiguration());
        return new CalibrationStage(spark, options).calibrate(p.good(), p.batches(), p.model(), p.spec(),
                p.paths(), p.excluded(), 0);
    }

    private void checkOutputIsWritable(Configuration hadoop) {
        options.requireOutput();
        if (options.badRows() == BadRowPolicy.QUARANTINE) {
            options.effectiveQuarantinePath(); // refuses, before anything is written, a target with no quarantine
        }
        if (options.mode() != JobOptions.WriteMode.ERROR) {
            return;
        }
        if (options.outputPath() != null && OutputFiles.exists(options.outputPath(), hadoop)) {
            throw JobException.config("output path " + options.outputPath() + " already exists; choose a new path or"
                    + " pass --mode overwrite to replace it");
        }
        if (options.outputTable() != null && spark.catalog().tableExists(options.outputTable())) {
            throw JobException.config("output table " + options.outputTable() + " already exists; choose another"
                    + " table or pass --mode overwrite to replace it");
        }
        if (options.badRows() == BadRowPolicy.QUARANTINE && options.quarantinePath() != null
                && OutputFiles.exists(options.quarantinePath(), hadoop)) {
            throw JobException.config("quarantine path " + options.quarantinePath() + " already exists; choose a new"
                    + " path or pass --mode overwrite");
        }
    }

    private Prepared prepare(Configuration hadoop) {
        ModelSpec spec = readModel(options.modelPath(), options.savedModel(), hadoop);
        ModelSignature signature = ModelSignature.of(spec);
        Map<String, String> excluded = new LinkedHashMap<>();
        List<PredictionPath> paths = runnablePaths(spec, excluded);

        Dataset<Row> input = InputSource.open(spark, options);
        checkColumnsExist(input.schema());
        List<InputBinding> bindings = InputBinding.inModelOrder(options.bindings(), signature.inputNames());
        int[] inputSizes = new int[signature.inputCount()];
        for (int i = 0; i < inputSizes.length; i++) {
            inputSizes[i] = signature.inputSize(i);
        }
        Dataset<Row> checked = RowChecks.checked(input, options.keptColumns(), bindings, inputSizes,
                options.allowNaN(), options.inputTable() == null && options.inputFormat().equalsIgnoreCase("csv"));
        Dataset<Row> good = checked.filter(col(RowChecks.REASON).isNull())
                .drop(RowChecks.REASON, RowChecks.REASON_CODE);
        StructType schema = good.schema();
        FeatureMapping features = FeatureMapping.resolve(schema, bindings, signature, options.allowNaN());
        List<String> kept = options.keptColumns();
        int[] keepIndexes = kept.stream().mapToInt(schema::fieldIndex).toArray();
        RowKey rowKey = new RowKey(keepIndexes, kept.toArray(String[]::new));
        OutputLayout output = OutputLayout.of(signature, options.predictionColumns(), "prediction",
                options.outputMode());
        StructType outSchema = output.schema(keptFields(schema, keepIndexes));
        OutputSink.requireFormatHolds(outSchema, options);

        ModelSource model = ModelSource.of(spark.sparkContext(), spec, options.modelPath(), options.savedModel(),
                options.broadcastThresholdBytes());
        LOG.info("Model {} ({} params, hash {}) goes to executors by {}", spec.name(), spec.paramCount(),
                spec.shortHash(), model.route());
        return new Prepared(spec, paths, excluded, input, checked, good,
                new RowBatch.Factory(features, rowKey, keepIndexes, output, inputSizes), outSchema, model);
    }

    static ModelSpec readModel(String path, SavedModelOptions savedModel, Configuration hadoop) {
        long t0 = System.currentTimeMillis();
        ModelSpec spec = ModelReaders.read(path, hadoop, savedModel);
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

    private void checkColumnsExist(StructType schema) {
        List<String> available = List.of(schema.fieldNames());
        for (String k : options.keptColumns()) {
            if (!available.contains(k)) {
                throw JobException.data("--keep/--partition-by column '" + k + "' is not in the input; available"
                        + " columns: " + String.join(", ", available));
            }
        }
        for (String f : FeatureMapping.columnsOf(options.bindings())) {
            if (!available.contains(f)) {
                throw JobException.data("feature column '" + f + "' is not in the input; available columns: "
                        + String.join(", ", available));
            }
        }
    }

    private static StructType keptFields(StructType schema, int[] keepIndexes) {
        StructField[] fields = new StructField[keepIndexes.length];
        for (int i = 0; i < keepIndexes.length; i++) {
            fields[i] = schema.fields()[keepIndexes[i]];
        }
        return new StructType(fields);
    }

    private Dataset<Row> withMetadata(Dataset<Row> scored, ModelSpec spec) {
        if (!options.withMetadata()) {
            return scored;
        }
        return scored.withColumn("model_hash", lit(spec.hash()))
                .withColumn("run_id", lit(spark.sparkContext().applicationId() + "-" + UUID.randomUUID()))
                .withColumn("scored_at", lit(new Timestamp(System.currentTimeMillis())));
    }

    private RunSummary summarize(Prepared p, Plan plan, String planSource, CalibrationReport calibration,
                                 RunSummary.Rows rows, long millis, long scoringMillis, JobMetrics metrics) {
        ModelSpec spec = p.spec();
        List<TaskReport> reports = metrics.tasks().value().stream().map(TaskReport::parse).toList();
        return new RunSummary(
                new RunSummary.Model(options.modelPath(), spec.name(), spec.hash(), spec.sourceFormat(),
                        spec.kerasVersion(), spec.paramCount(), p.model().route()),
                options.inputName(), options.outputName(),
                new RunSummary.PlanInfo(plan.path().id(), plan.batchSize(), plan.intraOpThreads(), planSource,
                        planSource.equals("calibrated") ? calibration.durationMillis() : 0),
                rows, Math.max(1, millis), rows.scored() * 1000.0 / scoringMillis,
                ExecutorUsage.summarise(reports), spark.sparkContext().applicationId(),
                Map.of("sparkscore", BuildInfo.sparkscoreVersion(), "spark", spark.version(),
                        "tensorflow-java", BuildInfo.tensorflowJavaVersion(),
                        "java", System.getProperty("java.version")));
    }

    /**
     * The scoring job failed (a task failed every attempt): Spark's commit protocol committed nothing, so the output
     * location is as it was. Says so, and leaves a failed-run summary in the output directory when it can.
     */
    private JobFailedException scoringFailed(Exception cause, long start, Configuration hadoop) {
        String why = firstLine(cause);
        // saveAsTable in overwrite mode drops the old table before its job starts; path outputs are kept
        String previous = options.outputTable() != null && options.mode() == JobOptions.WriteMode.OVERWRITE
                ? "Spark dropped the table's previous contents when the write began"
                : "the output at " + options.outputName() + " is as it was before this run";
        JobFailedException failed = new JobFailedException("scoring failed (" + why + "); nothing was committed,"
                + " " + previous + "; fix the cause and rerun (with --mode overwrite if the output directory is now"
                + " there)", cause);
        if (options.outputPath() != null) {
            try {
                OutputFiles.writeText(options.outputPath(), SUMMARY_FILE, FailedRun.of(options, why,
                        System.currentTimeMillis() - start, spark.sparkContext().applicationId()).toJson(), hadoop);
            } catch (RuntimeException e) {
                LOG.warn("The failed run's summary could not be written: {}", e.getMessage());
                failed.addSuppressed(e);
            }
        }
        return failed;
    }

    /** The innermost cause's message, the part of Spark's wrapping that says what went wrong. */
    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    private void writeSideFiles(RunSummary summary, CalibrationReport calibration, Configuration hadoop) {
        String out = options.outputPath();
        if (out == null) {
            return;
        }
        OutputFiles.writeText(out, SUMMARY_FILE, summary.toJson(), hadoop);
        if (calibration != null) {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            OutputFiles.write(out, CALIBRATION_JSON, o -> json.writeValue(o, calibration), hadoop);
            OutputFiles.write(out, CALIBRATION_PNG, o -> CalibrationChart.writePng(calibration, o), hadoop);
        }
    }
}
