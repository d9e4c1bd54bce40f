package io.sparkscore.ml;

import io.sparkscore.job.JobOptions;
import io.sparkscore.job.LocalSpark;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.job.TinyModelFixture;
import io.sparkscore.runtime.PredictionPath;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SparkScoreModelTest {

    @TempDir
    static Path dir;
    static TinyModelFixture tiny;
    static SparkSession spark;
    static Dataset<Row> input;
    static final JobCounter JOBS = new JobCounter();

    /** Counts the Spark jobs started, all of them and those of calibration. */
    static final class JobCounter extends SparkListener {
        final AtomicInteger all = new AtomicInteger();
        final AtomicInteger calibration = new AtomicInteger();

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            all.incrementAndGet();
            String description = start.properties().getProperty("spark.job.description", "");
            if (description.startsWith("sparkscore: calibration")) {
                calibration.incrementAndGet();
            }
        }

        int[] now() {
            try {
                spark.sparkContext().listenerBus().waitUntilEmpty();
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("Spark's listener bus did not drain", e);
            }
            return new int[] {all.get(), calibration.get()};
        }
    }

    @BeforeAll
    static void setUp() throws IOException {
        spark = LocalSpark.get();
        tiny = new TinyModelFixture(dir, 400, 8);
        input = spark.read().parquet(tiny.inputDir.toString());
        spark.sparkContext().addSparkListener(JOBS);
    }

    @AfterAll
    static void tearDown() {
        spark.sparkContext().removeSparkListener(JOBS);
    }

    static SparkScoreModel scorer() {
        return new SparkScoreModel().setModelPath(tiny.modelFile.toString())
                .setFeatureCols(new String[] {"f1", "f2", "f3", "f4"}).setPredictionCol("score")
                .setBatchSize(16).setPredictionPath("jvm");
    }

    static Map<Long, Float> byId(Dataset<Row> scored, String column) {
        Map<Long, Float> out = new HashMap<>();
        int at = scored.schema().fieldIndex(column);
        for (Row r : scored.collectAsList()) {
            out.put(r.getLong(r.fieldIndex("id")), r.isNullAt(at) ? null : r.getFloat(at));
        }
        return out;
    }

    @Test
    void keepsEveryInputColumnAddsTheScoreAndMatchesTheHandComputedReference() {
        SparkScoreModel scorer = scorer();
        int[] before = JOBS.now();
        Dataset<Row> scored = scorer.transform(input);
        assertThat(JOBS.now()[0]).as("Spark jobs run by transform with a fixed plan").isEqualTo(before[0]);
        assertThat(scorer.lastTransformMetrics().orElseThrow().rowsIn().value()).isZero();

        assertThat(scored.schema().simpleString())
                .isEqualTo("struct<id:bigint,f1:float,f2:float,f3:float,f4:float,label:string,score:float,"
                        + "reason:string>");
        List<Row> rows = scored.collectAsList();
        assertThat(rows).hasSize(400);
        for (Row r : rows) {
            long id = r.getLong(0);
            assertThat(r.getString(5)).isEqualTo("r" + id);
            assertThat(r.getFloat(1)).isEqualTo(tiny.rows.get((int) id)[0]);
            assertThat((double) r.getFloat(6)).as("row %d", id).isCloseTo(tiny.expected(id), within(1e-6));
            assertThat(r.isNullAt(7)).isTrue();
        }
        JobMetrics metrics = scorer.lastTransformMetrics().orElseThrow();
        assertThat(metrics.rowsIn().value()).isEqualTo(400);
        assertThat(metrics.rowsScored().value()).isEqualTo(400);
        assertThat(scorer.lastPlan().orElseThrow().source()).isEqualTo("fixed");
    }

    @Test
    void aPipelineSavedAndLoadedGivesTheSamePredictions() throws IOException {
        SparkScoreModel scorer = scorer().setBadRows("drop").setOutputMode("threshold=0.5");
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {scorer}).fit(input);
        String saved = dir.resolve("pipeline").toString();
        fitted.write().overwrite().save(saved);
        PipelineModel loaded = PipelineModel.load(saved);

        SparkScoreModel stage = (SparkScoreModel) loaded.stages()[0];
        assertThat(stage.uid()).isEqualTo(scorer.uid());
        assertThat(stage.getModelPath()).isEqualTo(tiny.modelFile.toString());
        assertThat(stage.getBadRows()).isEqualTo("drop");
        assertThat(stage.config()).isEqualTo(scorer.config());
        Dataset<Row> again = loaded.transform(input);
        assertThat(again.schema().simpleString()).endsWith(",label:string,score:int>");
        assertThat(byIdInt(again)).isEqualTo(byIdInt(fitted.transform(input))).hasSize(400);

        String single = dir.resolve("stage").toString();
        scorer.write().overwrite().save(single);
        assertThat(SparkScoreModel.load(single).config()).isEqualTo(scorer.config());
    }

    private static Map<Long, Integer> byIdInt(Dataset<Row> scored) {
        Map<Long, Integer> out = new HashMap<>();
        for (Row r : scored.collectAsList()) {
            out.put(r.getLong(0), r.getInt(r.fieldIndex("score")));
        }
        return out;
    }

    @Test
    void givesExactlyTheCliJobsPredictionsOnTheSameInput() {
        String out = dir.resolve("cli-out").toString();
        new ScoringJob(spark, JobOptions.builder().setModel(tiny.modelFile.toString())
                .setInput(tiny.inputDir.toString()).setFeatures(List.of("f1", "f2", "f3", "f4"))
                .optOutput(out).optKeep(List.of("id")).optBatchSize(Optional.of(16))
                .optPath(Optional.of(PredictionPath.JVM)).build()).run();

        Map<Long, Float> cli = byId(spark.read().parquet(out), "prediction");
        Map<Long, Float> stage = byId(scorer().transform(input), "score");
        assertThat(stage).hasSize(400).isEqualTo(cli);
    }

    @Test
    void transformSchemaChecksTheInputAgainstTheModelBeforeAnythingRuns() {
        StructType schema = input.schema();
        int[] before = JOBS.now();
        assertThat(scorer().transformSchema(schema).simpleString()).isEqualTo(
                "struct<id:bigint,f1:float,f2:float,f3:float,f4:float,label:string,score:float,reason:string>");

        assertThatThrownBy(() -> scorer().setFeatureCols(new String[] {"f1", "f2", "f3", "f9"})
                .transformSchema(schema)).isInstanceOf(JobException.class)
                .hasMessage("feature column 'f9' is not in the input; available columns: id, f1, f2, f3, f4, label");
        assertThatThrownBy(() -> scorer().setFeatureCols(new String[] {"f1", "f2", "f3", "label"})
                .transformSchema(schema)).hasMessage("feature column 'label' expects a numeric type but has type"
                + " string; cast it to a number in the source data or choose another column");
        assertThatThrownBy(() -> scorer().setFeatureCols(new String[] {"f1", "f2", "f3"}).transformSchema(schema))
                .hasMessageContaining("expects 4 values (shape")
                .hasMessageEndingWith("but 3 feature columns were given: [f1, f2, f3]; pass exactly 4 columns"
                        + " (reshaped in C order) or an array column");
        assertThatThrownBy(() -> scorer().setPredictionCol("label").transformSchema(schema))
                .hasMessage("SparkScoreModel would add column 'label' but the input already has one; set"
                        + " predictionCol/predictionCols/reasonCol to another name or drop the input column");
        assertThatThrownBy(() -> new SparkScoreModel().setModelPath(tiny.modelFile.toString())
                .transformSchema(schema)).hasMessageStartingWith("no feature columns were given, so model input")
                .hasMessageContaining("reads the column of its name, but the input has none");
        assertThatThrownBy(() -> scorer().setFeaturesCol("f1").transformSchema(schema))
                .hasMessageEndingWith("but 2 are set");
        assertThatThrownBy(() -> scorer().setOutputMode("argmax").transformSchema(schema))
                .hasMessageStartingWith("--output-mode argmax needs outputs with several values");
        assertThatThrownBy(() -> scorer().setBatchSize("0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameter batchSize given invalid value 0");
        assertThatThrownBy(() -> scorer().setModelPath(dir.resolve("missing.keras").toString())
                .transformSchema(schema)).hasMessageContaining("missing.keras");
        assertThat(JOBS.now()[0]).as("Spark jobs run by the checks").isEqualTo(before[0]);
    }

    @Test
    void calibratesOnSampledRowsOnTheFirstTransformNeverPerPartition() {
        SparkScoreModel scorer = new SparkScoreModel().setModelPath(tiny.modelFile.toString())
                .setFeatureCols(new String[] {"f1", "f2", "f3", "f4"}).setCalibrationRows(128)
                .setCalibrationBudgetMillis(3_000);
        int[] start = JOBS.now();
        Dataset<Row> scored = scorer.transform(input);
        int[] afterTransform = JOBS.now();
        int calibrationJobs = afterTransform[1] - start[1];
        assertThat(calibrationJobs).as("calibration jobs of the first transform").isPositive();
        assertThat(scorer.lastPlan().orElseThrow().source()).isEqualTo("calibrated");

        assertThat(scored.count()).isEqualTo(400);
        assertThat(scored.filter("prediction is null").count()).isZero();
        assertThat(JOBS.now()[1]).as("calibration jobs while 8 partitions score, twice").isEqualTo(afterTransform[1]);

        scorer.transform(input);
        assertThat(JOBS.now()[1]).as("calibration jobs of the second transform").isEqualTo(afterTransform[1]);
        assertThat(scorer.lastPlan().orElseThrow().source()).isEqualTo("reused");

        scorer.setCalibration("force").transform(input);
        assertThat(JOBS.now()[1] - afterTransform[1]).as("calibration jobs of a forced transform")
                .isEqualTo(calibrationJobs);
        assertThat(scorer.lastPlan().orElseThrow().source()).isEqualTo("calibrated");
    }

    @Test
    void aPlanStoreSkipsCalibrationForAnotherInstanceOfTheStage() {
        SparkScoreModel scorer = new SparkScoreModel().setModelPath(tiny.modelFile.toString())
                .setFeatureCols(new String[] {"f1", "f2", "f3", "f4"}).setCalibrationRows(128)
                .setCalibrationBudgetMillis(3_000).setPlanStore(dir.resolve("plans").toString());
        scorer.transform(input);
        assertThat(scorer.lastPlan().orElseThrow().source()).isEqualTo("calibrated");
        int[] before = JOBS.now();
        SparkScoreModel another = scorer.copy(ParamMap.empty());
        another.transform(input);
        assertThat(another.lastPlan().orElseThrow().source()).isEqualTo("stored");
        assertThat(JOBS.now()[1]).isEqualTo(before[1]);
    }

    static Dataset<Row> withBadRows() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            float[] f = tiny.rows.get(i);
            rows.add(RowFactory.create((long) i, f[0], f[1], f[2], f[3]));
        }
        rows.add(RowFactory.create(100L, 1f, null, 1f, 1f));
        rows.add(RowFactory.create(101L, 1f, 1f, Float.NaN, 1f));
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("f1", DataTypes.FloatType).add("f2", DataTypes.FloatType)
                .add("f3", DataTypes.FloatType).add("f4", DataTypes.FloatType);
        return spark.createDataFrame(rows, schema).repartition(2);
    }

    @Test
    void badRowsGetAReasonAreDroppedAndCountedOrFailTheTransform() {
        Dataset<Row> df = withBadRows();
        Dataset<Row> kept = scorer().transform(df);
        assertThat(kept.schema().simpleString()).endsWith(",score:float,reason:string>");
        Map<Long, String> reasons = new HashMap<>();
        for (Row r : kept.collectAsList()) {
            long id = r.getLong(0);
            reasons.put(id, r.getString(6));
            if (id < 5) {
                assertThat((double) r.getFloat(5)).isCloseTo(tiny.expected(id), within(1e-6));
            } else {
                assertThat(r.isNullAt(5)).as("score of bad row %d", id).isTrue();
            }
        }
        assertThat(reasons).hasSize(7).containsEntry(100L, "f2 is null").containsEntry(101L, "f3 is NaN")
                .containsEntry(0L, null);

        SparkScoreModel dropping = scorer().setBadRows("drop");
        Dataset<Row> dropped = dropping.transform(df);
        assertThat(dropped.schema().simpleString()).endsWith(",score:float>");
        assertThat(byId(dropped, "score")).containsOnlyKeys(0L, 1L, 2L, 3L, 4L);
        JobMetrics metrics = dropping.lastTransformMetrics().orElseThrow();
        assertThat(metrics.badRowsByCode()).isEqualTo(Map.of("nan_value", 1L, "null_value", 1L));
        assertThat(metrics.rowsIn().value()).isEqualTo(7);
        assertThat(metrics.rowsScored().value()).isEqualTo(5);

        assertThatThrownBy(() -> scorer().setBadRows("fail").transform(df).collectAsList())
                .hasMessageContaining("bad row: f")
                .hasMessageContaining("(SparkScoreModel badRows=fail stops at the first one; set badRows to reason"
                        + " or drop to score the rest)");
    }

    @Test
    void scoresASparkMlVectorColumnAndKeepsItAsAVector() {
        Dataset<Row> assembled = new VectorAssembler().setInputCols(new String[] {"f1", "f2", "f3", "f4"})
                .setOutputCol("features").transform(input).select("id", "features");
        Dataset<Row> scored = new SparkScoreModel().setModelPath(tiny.modelFile.toString())
                .setFeaturesCol("features").setPredictionCol("score").setBatchSize(16).setPredictionPath("jvm")
                .transform(assembled);
        assertThat(scored.schema().fields()[1].dataType()).isEqualTo(assembled.schema().fields()[1].dataType());
        for (Row r : scored.collectAsList()) {
            long id = r.getLong(0);
            assertThat(((Vector) r.get(1)).size()).isEqualTo(4);
            assertThat((double) r.getFloat(2)).as("row %d", id).isCloseTo(tiny.expected(id), within(1e-6));
        }
    }
}
