package io.sparkscore.job;

import io.sparkscore.ml.RowFormat;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SampleModels;
import io.sparkscore.model.SequentialBuilder;
import io.sparkscore.model.keras.KerasArchiveWriter;
import io.sparkscore.runtime.PredictionPath;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Column batches read column by column (summary {@code column vectors}): features of every primitive numeric type,
 * kept columns of every type it writes in place, bad rows of every kind at batch edges, several reader and predictor
 * batches per partition. Everything must equal the external-Row path bit for bit: predictions, kept values, counts
 * and quarantined rows; the model itself is checked against a hand-written forward pass in {@link RowFormatTest}.
 */
class ColumnVectorScoringTest {

    @TempDir
    static Path dir;
    static SparkSession spark;
    static String input;
    static Path tiny;
    static Path classes;
    /** Rows and bad rows of the input: reader batches hold 1000 rows, the model's 96, partitions ~3300. */
    static final int ROWS = 10_000;
    static final List<String> KEPT = List.of("id", "name", "day", "at", "even", "small", "blob", "ratio");
    static final List<String> FEATURES = List.of("f1", "f2", "f3", "f4");

    @BeforeAll
    static void setUp() throws IOException {
        spark = LocalSpark.get();
        tiny = dir.resolve("tiny.keras");
        KerasArchiveWriter.write(SampleModels.tiny(3), tiny);
        ModelSpec softmax = new SequentialBuilder("classes", new int[] {4})
                .add(SampleModels.dense("classes", 4, 3, "softmax", new Random(5))).build();
        classes = dir.resolve("classes.keras");
        KerasArchiveWriter.write(softmax, classes);
        input = dir.resolve("typed.parquet").toString();
        spark.range(0, ROWS, 1, 3).select(col("id"),
                        when(col("id").mod(7).equalTo(0), null).otherwise(expr("concat('r', id)")).as("name"),
                        expr("date_add(date'2026-01-01', cast(id % 400 as int))").as("day"),
                        when(col("id").mod(11).equalTo(0), null).otherwise(expr("timestamp_micros(id * 1000003)"))
                                .as("at"),
                        col("id").mod(2).equalTo(0).as("even"),
                        expr("cast(id % 100 as tinyint)").as("small"),
                        expr("cast(concat('b', id) as binary)").as("blob"),
                        expr("sin(id) * 3").as("ratio"),
                        // every numeric type the loop reads: float, double, int, long
                        expr("cast(sin(id * 1.3) as float)").as("f1"),
                        expr("cos(id * 0.7) * 2").as("f2"),
                        expr("cast(id % 13 - 6 as int)").as("f3"),
                        expr("cast(id % 5 - 2 as long)").as("f4"))
                // bad rows at partition, reader-batch and model-batch edges: nulls, NaN, infinities
                .withColumn("f1", when(col("id").isin(0L, 95L, 96L, 4000L), lit(Float.NaN))
                        .when(col("id").isin(999L, 3333L), null).otherwise(col("f1")))
                .withColumn("f2", when(col("id").isin(1000L, 5001L), lit(Double.POSITIVE_INFINITY))
                        .when(col("id").equalTo(ROWS - 1), lit(Double.NEGATIVE_INFINITY)).otherwise(col("f2")))
                .withColumn("f3", when(col("id").equalTo(6666L), null).otherwise(col("f3")))
                .withColumn("f4", when(col("id").isin(95L, 7000L), null).otherwise(col("f4")))
                .write().option("parquet.block.size", 64 * 1024).parquet(input);
    }

    private static JobOptions.Builder job(Path model, String output) {
        return JobOptions.builder().setModel(model.toString()).setInput(input).setFeatures(FEATURES)
                .optKeep(KEPT).optOutput(output).optBatchSize(Optional.of(96)).optPath(Optional.of(PredictionPath.JVM));
    }

    private static ScoringJob.Result run(JobOptions options, String rowFormat) {
        spark.conf().set(RowFormat.KEY, rowFormat);
        spark.conf().set("spark.sql.parquet.columnarReaderBatchSize", "1000");
        try {
            return new ScoringJob(spark, options).run();
        } finally {
            spark.conf().unset(RowFormat.KEY);
            spark.conf().unset("spark.sql.parquet.columnarReaderBatchSize");
        }
    }

    private static Map<Long, Row> byId(String output) {
        Map<Long, Row> rows = new HashMap<>();
        for (Row r : spark.read().parquet(output).collectAsList()) {
            rows.put(r.getLong(0), r);
        }
        return rows;
    }

    /** The two outputs hold the same rows, every value equal and every float equal bit for bit. */
    private static void assertSameRows(String a, String b, int expectedRows) {
        Map<Long, Row> left = byId(a);
        Map<Long, Row> right = byId(b);
        assertThat(left.keySet()).isEqualTo(right.keySet()).hasSize(expectedRows);
        for (long id : left.keySet()) {
            Row l = left.get(id);
            Row r = right.get(id);
            for (int c = 0; c < l.length(); c++) {
                Object x = l.get(c);
                Object y = r.get(c);
                if (x instanceof Float f) {
                    assertThat(Float.floatToRawIntBits(f)).as("row %d, column %d", id, c)
                            .isEqualTo(Float.floatToRawIntBits((Float) y));
                } else if (x instanceof scala.collection.Seq<?>) {
                    assertThat(bits(l.getList(c))).as("row %d, column %d", id, c).isEqualTo(bits(r.getList(c)));
                } else if (x instanceof byte[] bytes) {
                    assertThat(bytes).as("row %d, column %d", id, c).isEqualTo((byte[]) y);
                } else {
                    assertThat(x).as("row %d, column %d", id, c).isEqualTo(y);
                }
            }
        }
    }

    /** Float elements as their bits (NaN equals NaN), other elements as they are. */
    private static List<Object> bits(List<Object> values) {
        return values.stream().map(v -> v instanceof Float f ? (Object) Float.floatToRawIntBits(f) : v).toList();
    }

    @Test
    void everyTypeAndEveryKindOfBadRowMatchesTheExternalRowPathBitForBit() {
        String vectors = dir.resolve("typed-vectors").toString();
        String external = dir.resolve("typed-external").toString();
        ScoringJob.Result v = run(job(tiny, vectors).build(), "auto");
        ScoringJob.Result e = run(job(tiny, external).build(), "external");
        assertThat(v.summary().scoringInput()).isEqualTo("column vectors");
        assertThat(v.summary().rows()).isEqualTo(e.summary().rows()).isEqualTo(new RunSummary.Rows(ROWS,
                ROWS - 11, 11, 0, Map.of("nan_value", 4L, "null_value", 4L, "infinite_value", 3L)));
        assertSameRows(vectors, external, ROWS - 11);
        assertThat(spark.read().parquet(vectors + "/_quarantine").collectAsList())
                .containsExactlyInAnyOrderElementsOf(spark.read().parquet(external + "/_quarantine")
                        .collectAsList());
    }

    @Test
    void allowedNaNsAreScoredAndArrayArgmaxAndThresholdOutputsMatchTheExternalRowPath() {
        for (String mode : List.of("probabilities", "argmax", "threshold=0.4")) {
            String vectors = dir.resolve("classes-vectors-" + mode).toString();
            String external = dir.resolve("classes-external-" + mode).toString();
            ScoringJob.Result v = run(job(classes, vectors).optAllowNaN(true).optOutputMode(mode).build(), "auto");
            ScoringJob.Result e = run(job(classes, external).optAllowNaN(true).optOutputMode(mode).build(),
                    "external");
            assertThat(v.summary().scoringInput()).isEqualTo("column vectors");
            // three NaN rows are scored now; row 95 is bad by its null f4 instead; nulls and infinities stay bad
            assertThat(v.summary().rows()).as(mode).isEqualTo(e.summary().rows()).isEqualTo(new RunSummary.Rows(
                    ROWS, ROWS - 8, 8, 0, Map.of("null_value", 5L, "infinite_value", 3L)));
            assertSameRows(vectors, external, ROWS - 8);
        }
    }

    @Test
    void arrayFeaturesWithEveryKindOfBadArrayMatchTheExternalRowPathBitForBit() {
        String arrays = dir.resolve("arrays.parquet").toString();
        spark.read().parquet(input).select(col("id"), col("name"),
                        when(col("id").equalTo(17L), null)
                                .when(col("id").equalTo(18L), expr("array(f1, f1, f1)"))
                                .when(col("id").equalTo(19L), expr("array(f1, f1, f1, f1, f1)"))
                                .when(col("id").equalTo(4095L), expr("array(f1, cast(null as float), f1, f1)"))
                                .otherwise(expr("array(f1, cast(f2 as float), cast(f3 as float), cast(f4 as float))"))
                                .as("x"))
                .write().parquet(arrays);
        String vectors = dir.resolve("arrays-vectors").toString();
        String external = dir.resolve("arrays-external").toString();
        JobOptions.Builder job = JobOptions.builder().setModel(classes.toString()).setInput(arrays)
                .setBindings(List.of(io.sparkscore.ml.InputBinding.array(io.sparkscore.ml.InputBinding.SINGLE_INPUT,
                        "x"))).optKeep(List.of("id", "name")).optBatchSize(Optional.of(96))
                .optPath(Optional.of(PredictionPath.JVM));
        ScoringJob.Result v = run(job.optOutput(vectors).build(), "auto");
        ScoringJob.Result e = run(job.optOutput(external).build(), "external");
        assertThat(v.summary().scoringInput()).isEqualTo("column vectors");
        // the scalar input's bad values are array elements now, plus a null array, a null element and two wrong
        // lengths; row 95 (a NaN and a null element) is null_value, as the array checks look for nulls first
        assertThat(v.summary().rows()).isEqualTo(e.summary().rows()).isEqualTo(new RunSummary.Rows(ROWS,
                ROWS - 15, 15, 0, Map.of("nan_value", 3L, "null_value", 7L, "infinite_value", 3L,
                        "wrong_length", 2L)));
        assertSameRows(vectors, external, ROWS - 15);
        assertThat(spark.read().parquet(vectors + "/_quarantine").collectAsList())
                .containsExactlyInAnyOrderElementsOf(spark.read().parquet(external + "/_quarantine")
                        .collectAsList());
    }

    @Test
    void aDoubleBeyondFloatRangeFailsTheRunAsOnTheRowPath() {
        String huge = dir.resolve("huge.parquet").toString();
        spark.read().parquet(input).withColumn("f2", when(col("id").equalTo(42L), lit(1e300))
                .otherwise(col("f2"))).write().parquet(huge);
        for (String format : List.of("auto", "external")) {
            JobOptions options = job(tiny, dir.resolve("huge-" + format).toString()).setInput(huge).build();
            assertThatThrownBy(() -> run(options, format)).as(format).hasStackTraceContaining("id=42")
                    .hasStackTraceContaining("column 'f2' is Infinity");
        }
    }
}
