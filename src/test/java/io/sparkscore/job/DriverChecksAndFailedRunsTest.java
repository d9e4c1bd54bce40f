package io.sparkscore.job;

import io.sparkscore.ml.ConfigurationException;
import io.sparkscore.ml.DataException;
import io.sparkscore.ml.FaultInjection;
import io.sparkscore.ml.InputBinding;
import io.sparkscore.ml.JobException;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SampleModels;
import io.sparkscore.model.SequentialBuilder;
import io.sparkscore.model.keras.KerasArchiveWriter;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.PredictionPaths;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the driver refuses before any job runs (a table with no quarantine, csv that cannot hold arrays, a graph the
 * tf path cannot build), and what a run whose task fails every attempt leaves: nothing committed, the previous
 * output intact, a summary that says failed, and a rerun that matches a clean run.
 */
class DriverChecksAndFailedRunsTest {

    @TempDir
    static Path dir;
    static TinyModelFixture tiny;
    static SparkSession spark;

    @BeforeAll
    static void setUp() throws IOException {
        spark = LocalSpark.get();
        tiny = new TinyModelFixture(dir, 200, 4);
    }

    private static JobOptions.Builder job(String output) {
        return JobOptions.builder().setModel(tiny.modelFile.toString()).setInput(tiny.inputDir.toString())
                .setFeatures(List.of("f1", "f2", "f3", "f4")).optKeep(List.of("id")).optOutput(output)
                .optBatchSize(Optional.of(16)).optPath(Optional.of(PredictionPath.JVM));
    }

    private static String out(String name) {
        return dir.resolve(name).toString();
    }

    private static Map<Long, Float> predictions(String output) {
        Map<Long, Float> byId = new HashMap<>();
        for (Row r : spark.read().parquet(output).select("id", "prediction").collectAsList()) {
            byId.put(r.getLong(0), r.getFloat(1));
        }
        return byId;
    }

    /**
     * Counts sparkscore's own Spark jobs (bad-row check, count, calibration, scoring, quarantine: each sets a job
     * description) started while {@code body} runs; Spark's own, such as reading a Parquet schema, are not counted.
     */
    private static int jobsStartedBy(Runnable body) {
        AtomicInteger started = new AtomicInteger();
        SparkListener listener = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart jobStart) {
                String description = jobStart.properties() == null ? null
                        : jobStart.properties().getProperty("spark.job.description");
                if (description != null && description.startsWith("sparkscore")) {
                    started.incrementAndGet();
                }
            }
        };
        spark.sparkContext().addSparkListener(listener);
        try {
            body.run();
        } finally {
            try {
                spark.sparkContext().listenerBus().waitUntilEmpty();
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("Spark's listener bus did not drain", e);
            }
            spark.sparkContext().removeSparkListener(listener);
        }
        return started.get();
    }

    @Test
    void aRunWhoseTaskFailsEveryAttemptCommitsNothingAndARerunMatchesACleanRun() throws IOException {
        new ScoringJob(spark, job(out("clean")).build()).run();
        String kept = out("kept");
        new ScoringJob(spark, job(kept).build()).run();
        JobOptions overwrite = job(kept).optMode(JobOptions.WriteMode.OVERWRITE).build();

        spark.conf().set(FaultInjection.EVERY_ATTEMPT_KEY, "1");
        try {
            assertThatThrownBy(() -> new ScoringJob(spark, overwrite).run())
                    .isInstanceOf(JobFailedException.class)
                    .hasMessageStartingWith("scoring failed (fault injected by " + FaultInjection.EVERY_ATTEMPT_KEY
                            + " in partition 1, attempt 1); nothing was committed, the output at " + kept + " is as it"
                            + " was before this run; fix the cause and rerun");
        } finally {
            spark.conf().unset(FaultInjection.EVERY_ATTEMPT_KEY);
        }

        assertThat(predictions(kept)).as("the previous output is intact").isEqualTo(predictions(out("clean")));
        String summary = Files.readString(Path.of(kept, ScoringJob.SUMMARY_FILE));
        assertThat(summary).contains("\"status\" : \"failed\"").contains("\"committed\" : false")
                .contains("fault injected by");
        try (Stream<Path> siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString()).filter(n -> n.contains(".sparkscore-")))
                    .as("no staging directory is left behind").isEmpty();
        }

        ScoringJob.Result rerun = new ScoringJob(spark, overwrite).run();

        assertThat(rerun.summary().rows().scored()).isEqualTo(200);
        assertThat(predictions(kept)).isEqualTo(predictions(out("clean")));
        assertThat(Files.readString(Path.of(kept, ScoringJob.SUMMARY_FILE))).contains("\"status\" : \"succeeded\"");
    }

    @Test
    void aTableWithBadRowsAndNoQuarantineIsRefusedBeforeTheTableIsWritten() throws IOException {
        String input = out("bad-input.csv");
        Files.writeString(Path.of(input), "id,f1,f2,f3,f4\n1,0.1,0.2,0.3,0.4\n2,,0.2,0.3,0.4\n3,1,2,3,abc\n");
        JobOptions.Builder toTable = JobOptions.builder().setModel(tiny.modelFile.toString()).setInput(input)
                .optInputFormat("csv").setFeatures(List.of("f1", "f2", "f3", "f4")).optKeep(List.of("id"))
                .optOutputTable("scored_with_bad_rows").optBatchSize(Optional.of(16))
                .optPath(Optional.of(PredictionPath.JVM));

        int jobs = jobsStartedBy(() -> assertThatThrownBy(() -> new ScoringJob(spark, toTable.build()).run())
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("--bad-rows quarantine (the default) with --output-table needs --quarantine PATH: a table"
                        + " has no directory to keep the bad rows in; pass --quarantine, or --bad-rows skip or fail"));

        assertThat(jobs).as("sparkscore jobs run before the refusal").isZero();
        assertThat(spark.catalog().tableExists("scored_with_bad_rows")).isFalse();

        String quarantine = out("table-quarantine");
        ScoringJob.Result r = new ScoringJob(spark, toTable.optQuarantine(quarantine).build()).run();

        assertThat(r.summary().rows()).isEqualTo(new RunSummary.Rows(3, 1, 2, 0,
                Map.of("not_a_number", 1L, "null_value", 1L)));
        assertThat(spark.table("scored_with_bad_rows").count()).isEqualTo(1);
        assertThat(spark.read().parquet(quarantine).select("id").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList()).containsExactlyInAnyOrder("2", "3");
    }

    @Test
    void csvOutputOfAnArrayColumnIsRefusedBeforeAnyJobRuns() {
        String input = out("array-input");
        spark.read().parquet(tiny.inputDir.toString())
                .select(col("id"), array("f1", "f2", "f3", "f4").as("features")).write().parquet(input);
        JobOptions o = JobOptions.builder().setModel(tiny.modelFile.toString()).setInput(input)
                .setBindings(List.of(InputBinding.array(InputBinding.SINGLE_INPUT, "features")))
                .optKeep(List.of("id", "features")).optOutput(out("csv-arrays")).optOutputFormat("csv")
                .optBatchSize(Optional.of(16)).optPath(Optional.of(PredictionPath.JVM)).build();

        int jobs = jobsStartedBy(() -> assertThatThrownBy(() -> new ScoringJob(spark, o).run())
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("--output-format csv cannot hold column 'features' of type array<float>; use parquet,"
                        + " orc or json, or --output-mode argmax"));

        assertThat(jobs).as("sparkscore jobs run before the refusal").isZero();
        assertThat(Path.of(out("csv-arrays"))).doesNotExist();
    }

    @Test
    void anRnnLongerThanTheTfPathUnrollsIsRefusedForTfOnTheDriver() {
        ModelSpec longSequence = lstm(1001);
        Path model = dir.resolve("long-lstm.keras");
        KerasArchiveWriter.write(longSequence, model);

        assertThat(PredictionPaths.unsupportedPaths(longSequence)).containsOnlyKeys(PredictionPath.TF)
                .containsEntry(PredictionPath.TF, "layer 'lstm' (LSTM): a sequence of 1001 steps is longer than the"
                        + " 1000 steps the tf path unrolls; use the jvm path");
        assertThat(PredictionPaths.unsupportedPaths(lstm(1000))).isEmpty();
        JobOptions onTf = JobOptions.builder().setModel(model.toString()).setInput(tiny.inputDir.toString())
                .setFeatures(List.of("f1", "f2")).optOutput(out("long-lstm")).optBatchSize(Optional.of(16))
                .optPath(Optional.of(PredictionPath.TF)).build();

        int jobs = jobsStartedBy(() -> assertThatThrownBy(() -> new ScoringJob(spark, onTf).run())
                .isInstanceOf(ModelException.class)
                .hasMessage("no prediction path can run model " + model + ": {tf=layer 'lstm' (LSTM): a sequence of"
                        + " 1001 steps is longer than the 1000 steps the tf path unrolls; use the jvm path, jvm=--path"
                        + " tf was requested}"));

        assertThat(jobs).isZero();
    }

    /** An LSTM(3) over {@code steps} steps of 2 features. */
    private static ModelSpec lstm(int steps) {
        Random random = new Random(5);
        Map<String, Object> config = Map.of("units", 3, "activation", "tanh", "recurrent_activation", "sigmoid",
                "use_bias", true, "return_sequences", false);
        return new SequentialBuilder("long", new int[] {steps, 2})
                .add("lstm", "LSTM", config, Map.of(
                        "kernel", SampleModels.uniform("kernel", new int[] {2, 12}, 0.5, random),
                        "recurrent_kernel", SampleModels.uniform("recurrent_kernel", new int[] {3, 12}, 0.5, random),
                        "bias", SampleModels.uniform("bias", new int[] {12}, 0.1, random)))
                .build();
    }
}
