package io.sparkscore.bench;

import io.sparkscore.calibration.Plan;
import io.sparkscore.ml.InputBinding;
import io.sparkscore.job.JobOptions;
import io.sparkscore.ml.RowFormat;
import io.sparkscore.job.RunSummary;
import io.sparkscore.job.ScoringJob;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.rand;

/** Generates the benchmark's Parquet inputs and runs sparkscore jobs over them, timed by the wall clock. */
final class JobRuns {

    static final List<String> FEATURES = List.of("f1", "f2", "f3", "f4");

    /**
     * A finished job: its wall time, the CPU time this JVM spent meanwhile (driver and local executors; less
     * sensitive than wall time to other processes on a loaded machine) and, for sparkscore jobs, the run summary.
     */
    record Run(long rows, double seconds, double cpuSeconds, RunSummary summary) {

        double rowsPerSecond() {
            return rows / seconds;
        }

        double rowsPerCpuSecond() {
            return rows / cpuSeconds;
        }
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();

    private JobRuns() {
    }

    /** {@code rows} rows of id + four uniform floats in [-1, 1), in {@code files} Parquet files. */
    static Path tabular(SparkSession spark, Path dir, long rows, int files) {
        Path target = dir.resolve("tabular-" + rows + ".parquet");
        var df = spark.range(0, rows, 1, files).select(col("id"),
                rand(1).multiply(2).minus(1).cast("float").as("f1"),
                rand(2).multiply(2).minus(1).cast("float").as("f2"),
                rand(3).multiply(2).minus(1).cast("float").as("f3"),
                rand(4).multiply(2).minus(1).cast("float").as("f4"));
        df.write().mode(SaveMode.Overwrite).parquet(target.toString());
        return target;
    }

    /** {@code rows} rows of id + an array column {@code x} of {@code width} deterministic pseudo-random floats. */
    static Path arrays(SparkSession spark, Path dir, long rows, int width, int files) {
        Path target = dir.resolve("arrays-" + rows + "x" + width + ".parquet");
        spark.range(0, rows, 1, files).select(col("id"),
                expr("transform(sequence(1, " + width + "), i -> cast(sin(id * 7919 + i * 104729) as float))")
                        .as("x"))
                .write().mode(SaveMode.Overwrite).parquet(target.toString());
        return target;
    }

    /** Scores the tabular input with a fixed plan, or calibrating when {@code plan} is empty. */
    static Run sparkscore(SparkSession spark, Path model, Path input, Path output, long rows, Optional<Plan> plan) {
        JobOptions.Builder b = JobOptions.builder().setModel(model.toString()).setInput(input.toString())
                .setFeatures(FEATURES).optKeep(List.of("id")).optOutput(output.toString())
                .optMode(JobOptions.WriteMode.OVERWRITE);
        plan.ifPresent(p -> b.optPath(Optional.of(p.path())).optBatchSize(Optional.of(p.batchSize())));
        return timed(spark, b.build(), rows);
    }

    /** Scores an array-column input (one model input) with a fixed plan, or calibrating when it is empty. */
    static Run sparkscoreArrays(SparkSession spark, Path model, String inputName, Path input, Path output,
                                long rows, Optional<Plan> plan) {
        JobOptions.Builder b = JobOptions.builder().setModel(model.toString()).setInput(input.toString())
                .setBindings(List.of(InputBinding.array(inputName, "x"))).optKeep(List.of("id"))
                .optOutput(output.toString()).optMode(JobOptions.WriteMode.OVERWRITE);
        plan.ifPresent(p -> b.optPath(Optional.of(p.path())).optBatchSize(Optional.of(p.batchSize())));
        return timed(spark, b.build(), rows);
    }

    /**
     * What calibration added to a job: its wall time less the chosen model's build, which scoring on that executor
     * would otherwise have done (the job reuses the model calibration built).
     */
    static long addedCalibrationMillis(RunSummary.PlanInfo p) {
        return p.calibrationMillis() - p.chosenBuildMillis();
    }

    /** How {@link #addedCalibrationMillis} compares with the job, in words. */
    static String calibrationShare(RunSummary.PlanInfo p, Run run) {
        return String.format("calibration %d ms (wall %d ms less %d ms building the chosen model, which scoring then"
                        + " reused) of a %.1f s job", addedCalibrationMillis(p), p.calibrationMillis(),
                p.chosenBuildMillis(), run.seconds());
    }

    private static Run timed(SparkSession spark, JobOptions options, long rows) {
        ScoringJob.Result[] result = new ScoringJob.Result[1];
        Run run = time(rows, () -> result[0] = new ScoringJob(spark, options).run());
        if (result[0].summary().rows().scored() != rows) {
            throw new IllegalStateException("sparkscore scored " + result[0].summary().rows().scored()
                    + " rows, expected " + rows);
        }
        return new Run(rows, run.seconds(), run.cpuSeconds(), result[0].summary());
    }

    /** Runs a sparkscore job on the external-Row path ({@link RowFormat#KEY}), for comparison. */
    static Run withExternalRows(SparkSession spark, java.util.function.Supplier<Run> job) {
        spark.conf().set(RowFormat.KEY, "external");
        try {
            return job.get();
        } finally {
            spark.conf().unset(RowFormat.KEY);
        }
    }

    /** Times a plain Spark action. */
    static Run time(long rows, Runnable job) {
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        job.run();
        return new Run(rows, (System.nanoTime() - t0) / 1e9, (OS.getProcessCpuTime() - cpu0) / 1e9, null);
    }
}
