package io.sparkscore.job;

import io.sparkscore.ml.Calibration;
import io.sparkscore.ml.JobException;
import io.sparkscore.ml.ModelCache;
import io.sparkscore.runtime.PredictionPath;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ScoringJobTest {

    @TempDir
    static Path dir;
    static TinyModelFixture tiny;
    static SparkSession spark;

    @BeforeAll
    static void setUp() throws IOException {
        spark = LocalSpark.get();
        tiny = new TinyModelFixture(dir, 1000, 8);
    }

    static JobOptions options(String output, Integer batch, PredictionPath path, List<String> features) {
        return JobOptions.builder()
                .setModel(tiny.modelFile.toString()).setInput(tiny.inputDir.toString()).setFeatures(features)
                .optOutput(output).optKeep(List.of("id"))
                .optBatchSize(Optional.ofNullable(batch)).optPath(Optional.ofNullable(path))
                .optCalibrationRows(512).optCalibrationBudgetMillis(5_000)
                .build();
    }

    static JobOptions options(String output, Integer batch, PredictionPath path) {
        return options(output, batch, path, List.of("f1", "f2", "f3", "f4"));
    }

    private static Map<Long, Float> predictions(String output) {
        Map<Long, Float> byId = new HashMap<>();
        for (Row r : spark.read().parquet(output).collectAsList()) {
            byId.put(r.getLong(0), r.getFloat(1));
        }
        return byId;
    }

    @Test
    void scoresEveryRowAndMatchesTheHandComputedReference() {
        String out = dir.resolve("out-jvm").toString();
        ScoringJob.Result result = new ScoringJob(spark, options(out, 7, PredictionPath.JVM)).run();

        Map<Long, Float> byId = predictions(out);
        assertThat(byId).hasSize(1000);
        for (Map.Entry<Long, Float> e : byId.entrySet()) {
            assertThat((double) e.getValue()).as("row %d", e.getKey()).isCloseTo(tiny.expected(e.getKey()),
                    within(1e-6));
        }
        assertThat(result.summary().rows()).isEqualTo(new RunSummary.Rows(1000, 1000, 0, 0, Map.of()));
        assertThat(result.summary().plan().source()).isEqualTo("fixed");
        assertThat(result.calibration()).isNull();
        assertThat(spark.read().parquet(out).schema().simpleString())
                .isEqualTo("struct<id:bigint,prediction:float>");
    }

    @Test
    void tfAndJvmPathsGiveTheSamePredictions() {
        String jvmOut = dir.resolve("parity-jvm").toString();
        String tfOut = dir.resolve("parity-tf").toString();
        new ScoringJob(spark, options(jvmOut, 64, PredictionPath.JVM)).run();
        new ScoringJob(spark, options(tfOut, 64, PredictionPath.TF)).run();
        Map<Long, Float> jvm = predictions(jvmOut);
        Map<Long, Float> tf = predictions(tfOut);
        assertThat(tf.keySet()).isEqualTo(jvm.keySet());
        jvm.forEach((id, p) -> assertThat(tf.get(id)).as("row %d", id).isCloseTo(p, within(1e-5f)));
    }

    @Test
    void calibrationOfASmallJobChoosesAPlanWithoutBuildingTensorFlowAndWritesItsReport() throws IOException {
        ModelCache.closeAll(); // no TensorFlow model left in this JVM by earlier tests
        String out = dir.resolve("out-calibrated").toString();
        ScoringJob.Result result = new ScoringJob(spark, options(out, null, null)).run();

        // 1000 rows take milliseconds on the jvm path: building a TensorFlow model could never pay for itself
        assertThat(result.calibration().measurements()).extracting(m -> m.path()).containsOnly(PredictionPath.JVM);
        assertThat(result.calibration().skippedCandidates()).containsKey("tf (1 thread)");
        assertThat(result.summary().plan().source()).isEqualTo("calibrated");
        assertThat(result.calibration().chosen().path()).isEqualTo(PredictionPath.JVM);
        assertThat(result.summary().plan().path()).isEqualTo("jvm");
        assertThat(result.summary().plan().measured()).isNotEmpty();
        assertThat(result.summary().plan().skipped().get("tf (1 thread)")).startsWith("not built: even with free"
                + " kernels it could save at most");
        assertThat(result.summary().render()).contains("skipped tf (1 thread): not built");
        assertThat(predictions(out)).hasSize(1000);
        assertThat(Files.readString(Path.of(out, ScoringJob.CALIBRATION_JSON))).contains("\"measurements\"")
                .contains("\"rowsPerSecond\"").contains("\"skippedCandidates\"");
        assertThat(Files.readAllBytes(Path.of(out, ScoringJob.CALIBRATION_PNG))).startsWith(0x89, 'P', 'N', 'G');
        assertThat(Files.readString(Path.of(out, ScoringJob.SUMMARY_FILE))).contains("\"scored\" : 1000")
                .contains("\"skipped\"").contains("\"chosenBuildMillis\"");
        assertThat(result.summary().plan().chosenBuildMillis()).as("the jvm model was built by calibration")
                .isEqualTo(result.calibration().chosenBuildMillis())
                .isLessThanOrEqualTo(result.summary().plan().calibrationMillis());
    }

    @Test
    void aSecondRunOnTheSameModelAndHardwareReusesTheStoredPlan() {
        String store = dir.resolve("plans").toString();
        JobOptions first = options(dir.resolve("out-plan-1").toString(), null, null).toBuilder()
                .optPlanStore(store).build();
        ScoringJob.Result calibrated = new ScoringJob(spark, first).run();
        JobOptions second = first.toBuilder().optOutput(dir.resolve("out-plan-2").toString()).build();
        ScoringJob.Result reused = new ScoringJob(spark, second).run();
        JobOptions forced = second.toBuilder().optOutput(dir.resolve("out-plan-3").toString())
                .optCalibration(Calibration.FORCE).build();
        ScoringJob.Result recalibrated = new ScoringJob(spark, forced).run();

        assertThat(calibrated.summary().plan().source()).isEqualTo("calibrated");
        assertThat(reused.summary().plan().source()).isEqualTo("stored");
        assertThat(reused.calibration().chosen()).isEqualTo(calibrated.calibration().chosen());
        assertThat(reused.summary().plan().calibrationMillis()).isZero();
        assertThat(recalibrated.summary().plan().source()).isEqualTo("calibrated");
    }

    @Test
    void buildsTheModelOncePerExecutorJvmWhateverThePartitionCount() {
        ModelCache.closeAll();
        long before = ModelCache.buildCount();
        String out = dir.resolve("out-once").toString();
        ScoringJob.Result result;
        spark.conf().set("spark.sql.files.maxPartitionBytes", "1k"); // one input file per partition, or more
        try {
            result = new ScoringJob(spark, options(out, 16, PredictionPath.JVM)).run();
        } finally {
            spark.conf().unset("spark.sql.files.maxPartitionBytes");
        }

        assertThat(ModelCache.buildCount() - before).isEqualTo(1);
        List<ExecutorUsage> executors = result.summary().executors();
        assertThat(executors).hasSize(1);
        assertThat(executors.get(0).tasks()).isGreaterThanOrEqualTo(8);
        assertThat(executors.get(0).rows()).isEqualTo(1000);
    }

    @Test
    void aModelAboveTheBroadcastThresholdIsReadFromSharedStorageByEachExecutor() {
        ModelCache.closeAll();
        String out = dir.resolve("out-shared-fs").toString();
        JobOptions o = options(out, 32, PredictionPath.JVM).toBuilder().optBroadcastThresholdBytes(8).build();
        ScoringJob.Result result = new ScoringJob(spark, o).run();

        assertThat(result.summary().model().route()).isEqualTo("shared-fs");
        Map<Long, Float> byId = predictions(out);
        assertThat(byId).hasSize(1000);
        byId.forEach((id, p) -> assertThat((double) p).isCloseTo(tiny.expected(id), within(1e-6)));
        assertThat(new ScoringJob(spark, options(dir.resolve("out-broadcast").toString(), 32, PredictionPath.JVM))
                .run().summary().model().route()).isEqualTo("broadcast");
    }

    @Test
    void reportsProgressWhileScoring() {
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        new ScoringJob(spark, options(dir.resolve("out-progress").toString(), 8, PredictionPath.JVM), 20, lines::add)
                .run();
        assertThat(lines).isNotEmpty();
        assertThat(lines.get(lines.size() - 1)).matches(
                "progress: (\\d+)/\\1 partitions, 1,000 rows scored, [\\d,]+ rows/s, ETA -");
    }

    @Test
    void refusesAnExistingOutputUnlessOverwriteIsAsked() {
        String out = dir.resolve("out-exists").toString();
        new ScoringJob(spark, options(out, 32, PredictionPath.JVM)).run();

        assertThatThrownBy(() -> new ScoringJob(spark, options(out, 32, PredictionPath.JVM)).run())
                .isInstanceOf(JobException.class)
                .hasMessage("output path " + out + " already exists; choose a new path or pass --mode overwrite to"
                        + " replace it");
        JobOptions overwrite = options(out, 32, PredictionPath.JVM).toBuilder()
                .optMode(JobOptions.WriteMode.OVERWRITE).build();
        assertThat(new ScoringJob(spark, overwrite).run().summary().rows().scored()).isEqualTo(1000);
    }

    @Test
    void missingFeatureColumnIsRefusedBeforeScoring() {
        JobOptions o = options(dir.resolve("out-missing").toString(), 32, PredictionPath.JVM,
                List.of("f1", "f2", "f3", "nope"));
        assertThatThrownBy(() -> new ScoringJob(spark, o).run())
                .isInstanceOf(JobException.class)
                .hasMessage("feature column 'nope' is not in the input; available columns: id, f1, f2, f3, f4, label");
        assertThat(dir.resolve("out-missing")).doesNotExist();
    }

    @Test
    void nonNumericFeatureColumnIsRefusedBeforeScoring() {
        JobOptions o = options(dir.resolve("out-string").toString(), 32, PredictionPath.JVM,
                List.of("f1", "f2", "f3", "label"));
        assertThatThrownBy(() -> new ScoringJob(spark, o).run())
                .isInstanceOf(JobException.class)
                .hasMessage("feature column 'label' expects a numeric type but has type string; cast it to a number"
                        + " in the source data or choose another column");
    }

    @Test
    void wrongFeatureCountIsRefusedWithTheExpectedShape() {
        JobOptions o = options(dir.resolve("out-count").toString(), 32, PredictionPath.JVM,
                List.of("f1", "f2", "f3"));
        assertThatThrownBy(() -> new ScoringJob(spark, o).run())
                .isInstanceOf(JobException.class)
                .hasMessage("model input 'tiny_input' expects 4 values (shape (4,)) but 3 feature columns were given:"
                        + " [f1, f2, f3]; pass exactly 4 columns (reshaped in C order) or an array column");
    }
}
