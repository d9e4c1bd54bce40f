package io.sparkscore.ml;

import io.sparkscore.calibration.CalibrationReport;
import io.sparkscore.job.LocalSpark;
import io.sparkscore.job.TinyModelFixture;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spark ML stage counts no rows, so calibration's budget follows the plan's estimate of them: the tiny model's
 * TensorFlow build cannot pay on a few thousand rows, and the reason given names the rows the budget assumed.
 */
class TransformerRowEstimateTest {

    private static final String TF_SKIPPED = "tf (1 thread)";

    @TempDir
    static Path dir;
    static TinyModelFixture tiny;
    static SparkSession spark;

    @BeforeAll
    static void setUp() throws IOException {
        spark = LocalSpark.get();
        tiny = new TinyModelFixture(dir, 3_000, 3);
    }

    @BeforeEach
    void freshExecutor() {
        // a model another test left in this JVM is measured for free, whatever the job's size
        ModelCache.closeAll();
    }

    private static CalibrationReport calibrate(Dataset<Row> df) {
        SparkScoreModel scorer = new SparkScoreModel().setModelPath(tiny.modelFile.toString())
                .setFeatureCols(new String[] {"f1", "f2", "f3", "f4"}).setPredictionCol("score")
                .setCalibrationRows(256).setCalibrationBudgetMillis(3_000);
        scorer.transform(df).count();
        return scorer.lastPlan().orElseThrow().report();
    }

    @Test
    void theRowsInTheParquetFootersSizeTheBudget() {
        CalibrationReport report = calibrate(spark.read().parquet(tiny.inputDir.toString()));

        assertThat(report.skippedCandidates().get(TF_SKIPPED)).as("skipped: %s", report.skippedCandidates())
                .startsWith("not built: even with free kernels it could save at most")
                .contains("predicts for 3,000 rows on");
    }

    @Test
    void aLimitInThePlanSizesTheBudget() {
        CalibrationReport report = calibrate(spark.read().parquet(tiny.inputDir.toString()).limit(700));

        assertThat(report.skippedCandidates().get(TF_SKIPPED)).as("skipped: %s", report.skippedCandidates())
                .contains("predicts for 700 rows on");
    }

    @Test
    void rowsSparkKnowsOnlyBySizeAreEstimatedFromItsSizePerRow() {
        Dataset<Row> inMemory = spark.createDataFrame(spark.read().parquet(tiny.inputDir.toString())
                .collectAsList(), spark.read().parquet(tiny.inputDir.toString()).schema());

        assertThat(RowEstimate.of(inMemory)).hasValue(3_000);
        assertThat(calibrate(inMemory).skippedCandidates().get(TF_SKIPPED)).contains("predicts for 3,000 rows on");
    }
}
