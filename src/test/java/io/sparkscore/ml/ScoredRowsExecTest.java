package io.sparkscore.ml;

import io.sparkscore.job.LocalSpark;
import io.sparkscore.job.TinyModelFixture;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spark ML stage over a Parquet scan hands on {@code ScoredRowsExec}'s reused {@code UnsafeRow}s: whatever the
 * user's query does with them next (sort, limit, cache, aggregate, join, collect) must see the same rows as on
 * external Rows, where Spark copies nothing of ours.
 */
class ScoredRowsExecTest {

    @TempDir
    static Path dir;
    static SparkSession spark;
    static TinyModelFixture tiny;
    static Dataset<Row> input;

    @BeforeAll
    static void setUp() throws IOException {
        spark = LocalSpark.get();
        tiny = new TinyModelFixture(dir, 3000, 3);
        input = spark.read().parquet(tiny.inputDir.toString());
    }

    private static Dataset<Row> scored() {
        return new SparkScoreModel().setModelPath(tiny.modelFile.toString())
                .setFeatureCols(new String[] {"f1", "f2", "f3", "f4"}).setPredictionCol("score")
                .setBatchSize(64).setPredictionPath("jvm").setBadRows("drop").transform(input);
    }

    /** The same queries over the scored rows, each collected. */
    private static List<List<Row>> queries(Dataset<Row> scored) {
        Dataset<Row> cached = scored.cache();
        try {
            return List.of(scored.orderBy(desc("score"), col("id")).limit(7).collectAsList(),
                    cached.orderBy("id").collectAsList(),
                    // exact aggregates only: a float sum's rounding would depend on the order tasks finish
                    List.of(cached.where("score >= 0.5").agg(count("*"), sum("id")).first()),
                    scored.join(input.select(col("id"), col("f1").as("g1")), "id").where("g1 = f1").orderBy("id")
                            .select("id", "label", "score").collectAsList(),
                    scored.groupBy(col("id").mod(10).as("k")).count().orderBy("k").collectAsList());
        } finally {
            cached.unpersist(true);
        }
    }

    @Test
    void queriesOverTheScoredRowsSeeWhatTheyWouldSeeOnExternalRows() {
        Dataset<Row> vectors = scored();
        assertThat(vectors.queryExecution().executedPlan().toString()).contains("Scan sparkscore scored rows");
        List<List<Row>> fast = queries(vectors);
        List<List<Row>> external;
        spark.conf().set(RowFormat.KEY, "external");
        try {
            Dataset<Row> rows = scored();
            assertThat(rows.queryExecution().executedPlan().toString()).doesNotContain("sparkscore scored rows");
            external = queries(rows);
        } finally {
            spark.conf().unset(RowFormat.KEY);
        }
        assertThat(fast.get(1)).hasSize(3000);
        assertThat(fast.get(3)).hasSize(3000);
        assertThat(fast).isEqualTo(external);
    }
}
