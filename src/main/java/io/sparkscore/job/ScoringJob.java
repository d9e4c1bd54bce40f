package io.sparkscore.job;

import io.sparkscore.SparkScoreException;
import io.sparkscore.calibration.CalibrationReport;
import io.sparkscore.calibration.CalibrationTable;
import io.sparkscore.calibration.Plan;
import io.sparkscore.ml.BuildInfo;
import io.sparkscore.ml.JobException;
import io.sparkscore.ml.JobMetrics;
import io.sparkscore.ml.ScoringRun;
import io.sparkscore.ml.TaskReport;
import io.sparkscore.model.ModelSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import static org.apache.spark.sql.functions.lit;

/**
 * The driver side of a CLI scoring run: the scoring stage's core ({@link ScoringRun}, shared with the Spark ML
 * stage {@link io.sparkscore.ml.SparkScoreModel}) plus the job's input, output, quarantine and summary.
 *
 * <pre>
 *  driver                                        executors (one model per JVM, cached by hash)
 *  ──────                                        ─────────────────────────────────────────────
 *  input (+where, +sample) ─▶ ScoringRun.prepare: model ─▶ Broadcast; RowChecks: keep + features + reason
 *        ├─ reason != null ─▶ BadRows: fail │ skip │ quarantine (_quarantine/)
 *        └─ good rows ─┬─▶ ScoringRun.choosePlan: CalibrationTask on sampled rows ─▶ Plan (PlanStore)
 *                      └─▶ ScoringRun.score: mapPartitions(PartitionScorer): ModelCache ─▶ Predictor(plan.batch)
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

    /** Validates, calibrates (unless the plan is fixed), scores, writes the output and the side files. */
    public Result run() {
        long start = System.currentTimeMillis();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        checkOutputIsWritable(hadoop);
        Dataset<Row> input = InputSource.open(spark, options);
        ScoringRun run = prepare(input);
        BadRows bad = new BadRows(options, run.checkedRows());
        spark.sparkContext().setJobDescription("sparkscore: check for bad rows (--bad-rows fail)");
        bad.failOnFirst();
        // an independent count of the input, taken when calibration needs the job's size anyway
        Optional<Long> counted = Optional.empty();
        if (options.calibrates()) {
            spark.sparkContext().setJobDescription("sparkscore: count input rows");
            counted = Optional.of(input.count());
        }

        long expectedRows = counted.orElse(0L);
        ScoringRun.ChosenPlan chosen = run.choosePlan(() -> expectedRows);
        CalibrationReport calibration = chosen.report();
        Plan plan = chosen.plan();
        if (calibration != null) {
            System.out.print(CalibrationTable.render(calibration));
        }
        LOG.info("Scoring with {}", plan);

        JobMetrics metrics = JobMetrics.register(spark.sparkContext());
        spark.sparkContext().setJobDescription(ProgressReporter.SCORING_JOB + options.inputName() + " with "
                + plan);
        long scoringStart = System.currentTimeMillis();
        // scoring reads every checked row: it scores the good ones and counts the bad ones in the same pass
        Dataset<Row> scored = run.score(plan, metrics);
        try (ProgressReporter progress = new ProgressReporter(spark.sparkContext(), metrics.rowsScored(),
                counted.orElse(0L), progressMillis, progressSink)) {
            try {
                OutputSink.write(withMetadata(scored, run.spec()), options, options.outputPath(),
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
        RunSummary summary = summarize(run, chosen,
                new RunSummary.Rows(rowsIn, rowsScored,
                        options.badRows() == BadRowPolicy.QUARANTINE ? rowsBad : 0,
                        options.badRows() == BadRowPolicy.SKIP ? rowsBad : 0, badByReason),
                System.currentTimeMillis() - start, scoringMillis, metrics);
        writeSideFiles(summary, calibration, hadoop);
        return new Result(summary, calibration);
    }

    /**
     * Runs only the calibration stage (the {@code calibrate} command); writes its report and chart into
     * {@code reportDir} when given (null: writes nothing).
     */
    public CalibrationReport calibrateOnly(String reportDir) {
        ScoringRun run = prepare(InputSource.open(spark, options));
        CalibrationReport report = run.calibrate();
        if (reportDir != null) {
            CalibrationFiles.write(reportDir, report, run.spec().name(), spark.sparkContext().hadoopConfiguration());
        }
        return report;
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

    /** The stage's scoring core on this job's input: kept columns pass through, CSV strings are parsed. */
    private ScoringRun prepare(Dataset<Row> input) {
        checkKeptColumnsExist(input.schema());
        ModelSpec spec = ScoringRun.readModel(options.modelPath(), options.savedModel(),
                spark.sparkContext().hadoopConfiguration());
        ScoringRun run = ScoringRun.prepare(spark, options.scoring(), spec, input, options.keptColumns(),
                options.inputTable() == null && options.inputFormat().equalsIgnoreCase("csv"));
        OutputSink.requireFormatHolds(run.outputSchema(), options);
        return run;
    }

    private void checkKeptColumnsExist(StructType schema) {
        List<String> available = List.of(schema.fieldNames());
        for (String k : options.keptColumns()) {
            if (!available.contains(k)) {
                throw JobException.data("--keep/--partition-by column '" + k + "' is not in the input; available"
                        + " columns: " + String.join(", ", available));
            }
        }
    }

    private Dataset<Row> withMetadata(Dataset<Row> scored, ModelSpec spec) {
        if (!options.withMetadata()) {
            return scored;
        }
        return scored.withColumn("model_hash", lit(spec.hash()))
                .withColumn("run_id", lit(spark.sparkContext().applicationId() + "-" + UUID.randomUUID()))
                .withColumn("scored_at", lit(new Timestamp(System.currentTimeMillis())));
    }

    private RunSummary summarize(ScoringRun run, ScoringRun.ChosenPlan chosen, RunSummary.Rows rows, long millis,
                                 long scoringMillis, JobMetrics metrics) {
        ModelSpec spec = run.spec();
        Plan plan = chosen.plan();
        List<TaskReport> reports = metrics.tasks().value().stream().map(TaskReport::parse).toList();
        return new RunSummary(
                new RunSummary.Model(options.modelPath(), spec.name(), spec.hash(), spec.sourceFormat(),
                        spec.kerasVersion(), spec.paramCount(), run.modelRoute()),
                options.inputName(), options.outputName(),
                RunSummary.PlanInfo.of(plan, chosen.source(), chosen.report()),
                run.scoringInput(), rows, Math.max(1, millis), rows.scored() * 1000.0 / scoringMillis,
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
            CalibrationFiles.write(out, calibration, summary.model().name(), hadoop);
        }
    }
}
