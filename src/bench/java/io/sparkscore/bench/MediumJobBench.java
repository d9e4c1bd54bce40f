package io.sparkscore.bench;

import io.sparkscore.calibration.Plan;
import io.sparkscore.ml.RowFormat;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.keras.KerasArchiveWriter;
import io.sparkscore.runtime.ModelSignature;
import io.sparkscore.runtime.PredictionPath;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

/**
 * The scaled medium model as a real Spark job over an array column: its calibration time against the job's time
 * (section 4) and the job with the chosen plan against a no-op job over the same input (section 2).
 */
final class MediumJobBench {

    private static final int FILES = 4;

    private final boolean quick;
    private final Path work;
    private final Spark spark;
    private final Consumer<Figure> out;

    MediumJobBench(boolean quick, Path work, Spark spark, Consumer<Figure> out) {
        this.quick = quick;
        this.work = work;
        this.spark = spark;
        this.out = out;
    }

    /** Rows of the medium job (and the job size section 4's calibrator reruns assume for medium_cal). */
    static long rows(boolean quick) {
        return quick ? 3_000 : 10_000;
    }

    /** Rows written for section 4's "medium job of a few minutes": copies of the small input's rows, new ids. */
    private static long longJobWrittenRows(boolean quick) {
        return quick ? 21_000 : 500_000;
    }

    /** The long job reads its written files this many times, as hard links (2-3 min on 2 idle cores at full size). */
    private static int longJobLinks(boolean quick) {
        return quick ? 2 : 10;
    }

    /** Rows of section 4's "medium job of a few minutes" (and the job size its calibrator reruns assume). */
    static long longJobRows(boolean quick) {
        return longJobWrittenRows(quick) / rows(quick) * rows(quick) * longJobLinks(quick);
    }

    void run(java.util.Set<Integer> sections) throws IOException {
        BenchModels.Medium m = BenchModels.MEDIUM_CALIBRATION;
        ModelSpec spec = BenchModels.medium(m);
        long rows = rows(quick);
        SparkSession s = spark.session("local[2]");
        Path model = work.resolve(spec.name() + ".keras");
        KerasArchiveWriter.write(spec, model);
        String inputName = spec.inputs().get(0).name();
        Path input = JobRuns.arrays(s, work, rows, ModelSignature.of(spec).inputSize(0), FILES);

        JobRuns.Run calibrating = JobRuns.sparkscoreArrays(s, model, inputName, input, work.resolve("out-medium"),
                rows, Optional.empty());
        var p = calibrating.summary().plan();
        Plan plan = new Plan(PredictionPath.parse(p.path()), p.batchSize(), p.intraOpThreads());
        reportShare(m, spec, rows, calibrating, plan, false);
        if (sections.contains(4)) {
            longJob(s, m, spec, model, inputName, input, rows);
        }

        if (!sections.contains(2)) {
            return;
        }
        int reps = quick ? 1 : 2;
        double[] scored = new double[reps];
        double[] external = new double[reps];
        double[] noop = new double[reps];
        for (int r = 0; r < reps; r++) {
            noop[r] = JobRuns.time(rows, () -> Baselines.noopArrays(s, input, work.resolve("out-medium-noop")))
                    .rowsPerSecond();
            external[r] = JobRuns.withExternalRows(s, () -> JobRuns.sparkscoreArrays(s, model, inputName, input,
                    work.resolve("out-medium-external"), rows, Optional.of(plan))).rowsPerSecond();
            scored[r] = JobRuns.sparkscoreArrays(s, model, inputName, input, work.resolve("out-medium"), rows,
                    Optional.of(plan)).rowsPerSecond();
        }
        String how = String.format("%,d rows, %d Parquet files, local[2]; median of %d runs interleaved with the"
                + " other job, after the calibrating job", rows, FILES, reps);
        double scoredRate = median(scored);
        double noopRate = median(noop);
        out.accept(Figure.context(2, m.name() + ", sparkscore job with the chosen plan " + plan, scoredRate,
                "rows/s", how));
        out.accept(Figure.context(2, m.name() + " input, no-op job (array column, same pipeline)", noopRate,
                "rows/s", how));
        out.accept(Figure.context(2, m.name() + ", sparkscore rows/s / no-op job rows/s", scoredRate / noopRate,
                "x", "ratio of the two medians above (the model's own compute is included, so < 1 is expected)"));
        out.accept(Figure.atLeast(2, m.name() + ", sparkscore (default row format) / external Rows", scoredRate
                / median(external), "x", 0.95, "no regression: the same job on " + RowFormat.KEY + "=external,"
                + " interleaved; median of " + reps + " runs each (5% noise allowance)"));
    }

    /** The medium job of a few minutes: one calibrating job, its calibration's share of its time (goal <= 0.05). */
    private void longJob(SparkSession s, BenchModels.Medium m, ModelSpec spec, Path model, String inputName,
                         Path small, long smallRows) throws IOException {
        long copies = Math.max(1, longJobWrittenRows(quick) / smallRows);
        // copies of the small input's rows with new ids: computing each array element (as JobRuns.arrays does)
        // takes Spark minutes at this size, copying them seconds
        Path written = work.resolve("arrays-long-written.parquet");
        s.read().parquet(small.toString())
                .crossJoin(broadcast(s.range(0, copies).withColumnRenamed("id", "copy")))
                .select(col("copy").multiply(smallRows).plus(col("id")).as("id"), col("x"))
                .write().mode(SaveMode.Overwrite).parquet(written.toString());
        // a few minutes of scoring would need tens of GB of distinct random floats: the job reads the written files
        // several times instead, as hard links under other names (their ids repeat, which scoring does not mind)
        Path input = Files.createDirectories(work.resolve("arrays-long.parquet"));
        List<Path> parts;
        try (Stream<Path> files = Files.list(written)) {
            parts = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList();
        }
        for (int link = 0; link < longJobLinks(quick); link++) {
            for (Path part : parts) {
                Files.createLink(input.resolve("copy" + link + "-" + part.getFileName()), part);
            }
        }
        long rows = longJobRows(quick);
        JobRuns.Run run = JobRuns.sparkscoreArrays(s, model, inputName, input, work.resolve("out-medium-long"), rows,
                Optional.empty());
        var p = run.summary().plan();
        reportShare(m, spec, rows, run, new Plan(PredictionPath.parse(p.path()), p.batchSize(), p.intraOpThreads()),
                true);
    }

    private void reportShare(BenchModels.Medium m, ModelSpec spec, long rows, JobRuns.Run run, Plan plan,
                             boolean goal) {
        var p = run.summary().plan();
        String title = m.name() + ", calibration time / job time" + (goal ? ", a job of a few minutes" : "");
        double share = JobRuns.addedCalibrationMillis(p) / 1000.0 / run.seconds();
        String how = String.format("real local[2] job over %,d rows of a %d-float array column%s: %s; chose %s", rows,
                ModelSignature.of(spec).inputSize(0), goal ? ", " + longJobLinks(quick) + " hard-linked copies of "
                        + String.format("%,d", rows / longJobLinks(quick)) + " rows" : "",
                JobRuns.calibrationShare(p, run), plan);
        out.accept(goal ? Figure.atMost(4, title, share, "x", 0.05, how) : Figure.context(4, title, share, "x", how));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return CallTimer.median(sorted);
    }
}
