package io.sparkscore.job;

import io.sparkscore.ml.InputBinding;
import io.sparkscore.ml.JobException;
import io.sparkscore.ml.RowFormat;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SampleModels;
import io.sparkscore.model.SequentialBuilder;
import io.sparkscore.model.keras.KerasArchiveWriter;
import io.sparkscore.runtime.PredictionPath;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.util.QueryExecutionListener;
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
import java.util.concurrent.CopyOnWriteArrayList;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Scoring on Spark's internal rows against scoring on external Rows, through {@link ScoringJob}: which path runs,
 * bit-identical predictions and identical kept values, counts and quarantine on inputs of many column types.
 */
class RowFormatTest {

    @TempDir
    static Path dir;
    static TinyModelFixture tiny;
    static SparkSession spark;
    /** 200 rows: kept columns of many types (with nulls), features of four numeric types, four bad rows. */
    static String mixedInput;

    @BeforeAll
    static void setUp() throws IOException {
        spark = LocalSpark.get();
        tiny = new TinyModelFixture(dir, 200, 3);
        Dataset<Row> base = spark.read().parquet(tiny.inputDir.toString());
        Dataset<Row> mixed = base.select(col("id"),
                when(col("id").mod(7).equalTo(0), null).otherwise(col("label")).as("name"),
                expr("date_add(date'2026-01-01', cast(id as int))").as("day"),
                expr("timestamp_micros(id * 1000003)").as("at"),
                expr("cast(id / 8 as decimal(12, 3))").as("amount"),
                expr("array(id, id * 2)").as("pair"),
                expr("named_struct('k', cast(id as int), 'v', label)").as("info"),
                expr("map(label, id)").as("tags"),
                col("id").mod(2).equalTo(0).as("even"),
                col("f1"), col("f2").cast("double").as("f2"),
                // a decimal with 7 fractional digits holds the float's value to ~1e-7
                col("f3").cast("decimal(20, 7)").as("f3"),
                when(col("id").equalTo(150), null).otherwise(col("f4")).as("f4"))
                .withColumn("f1", when(col("id").equalTo(151), Float.NaN).otherwise(col("f1")))
                .withColumn("f2", when(col("id").equalTo(152), Double.POSITIVE_INFINITY).otherwise(col("f2")))
                .withColumn("f3", when(col("id").equalTo(153), null).otherwise(col("f3")));
        mixedInput = dir.resolve("mixed.parquet").toString();
        mixed.write().parquet(mixedInput);
    }

    private static final List<String> KEPT = List.of("id", "name", "day", "at", "amount", "pair", "info", "tags",
            "even");

    private static JobOptions.Builder job(String input, String output, PredictionPath path) {
        return JobOptions.builder().setModel(tiny.modelFile.toString()).setInput(input)
                .setFeatures(List.of("f1", "f2", "f3", "f4")).optKeep(KEPT).optOutput(output)
                .optBatchSize(Optional.of(16)).optPath(Optional.of(path));
    }

    private static ScoringJob.Result run(JobOptions options, String rowFormat) {
        spark.conf().set(RowFormat.KEY, rowFormat);
        try {
            return new ScoringJob(spark, options).run();
        } finally {
            spark.conf().unset(RowFormat.KEY);
        }
    }

    private static Map<Long, Row> byId(String output) {
        Map<Long, Row> rows = new HashMap<>();
        for (Row r : spark.read().parquet(output).collectAsList()) {
            rows.put(r.getLong(0), r);
        }
        return rows;
    }

    @Test
    void autoScoresColumnBatchesOfAParquetScanAndFallsBackToRowsWhereTheInputIsNotAPlainScan() throws Exception {
        List<String> plans = new CopyOnWriteArrayList<>();
        QueryExecutionListener listener = new QueryExecutionListener() {
            @Override
            public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
                plans.add(qe.executedPlan().toString());
            }

            @Override
            public void onFailure(String funcName, QueryExecution qe, Exception exception) {
            }
        };
        spark.listenerManager().register(listener);
        String columnar = dir.resolve("plan-columnar").toString();
        String filtered = dir.resolve("plan-filtered").toString();
        String internal = dir.resolve("plan-internal").toString();
        String external = dir.resolve("plan-external").toString();
        String input = tiny.inputDir.toString();
        Map<String, String> reads = new HashMap<>();
        try {
            reads.put("auto", run(job(input, columnar, PredictionPath.JVM).optKeep(List.of("id")).build(), "auto")
                    .summary().scoringInput());
            reads.put("auto, --where", run(job(input, filtered, PredictionPath.JVM).optKeep(List.of("id"))
                    .optWhere("id >= 0").build(), "auto").summary().scoringInput());
            reads.put("internal", run(job(input, internal, PredictionPath.JVM).optKeep(List.of("id")).build(),
                    "internal").summary().scoringInput());
            reads.put("external", run(job(input, external, PredictionPath.JVM).optKeep(List.of("id")).build(),
                    "external").summary().scoringInput());
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark.listenerManager().unregister(listener);
        }
        assertThat(reads).isEqualTo(Map.of("auto", "column vectors", "auto, --where", "internal rows",
                "internal", "internal rows", "external", "external rows"));
        for (String rows : List.of(filtered, internal)) {
            assertThat(writeOf(plans, rows)).contains("Scan ExistingRDD").doesNotContain("DeserializeToObject")
                    .doesNotContain("SerializeFromObject");
        }
        // column vectors scored into UnsafeRows reach the writer without RDDScanExec's copy in a codegen stage
        assertThat(writeOf(plans, columnar)).contains("Scan sparkscore scored rows").doesNotContain("ExistingRDD")
                .doesNotContain("DeserializeToObject");
        assertThat(writeOf(plans, external)).contains("DeserializeToObject").contains("MapPartitions")
                .contains("SerializeFromObject");
        assertThat(byId(columnar)).isEqualTo(byId(internal)).isEqualTo(byId(filtered)).hasSize(200);
    }

    private static String writeOf(List<String> plans, String output) {
        return plans.stream().filter(p -> p.contains(output + ",") || p.contains(output + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no write to " + output + " among " + plans));
    }

    @Test
    void everyFormatWritesBitIdenticalPredictionsTheSameKeptValuesCountsAndQuarantine() {
        String columnar = dir.resolve("mixed-columnar").toString();
        String internal = dir.resolve("mixed-internal").toString();
        String external = dir.resolve("mixed-external").toString();
        ScoringJob.Result col = run(job(mixedInput, columnar, PredictionPath.JVM).build(), "columnar");
        ScoringJob.Result a = run(job(mixedInput, internal, PredictionPath.JVM).build(), "internal");
        ScoringJob.Result b = run(job(mixedInput, external, PredictionPath.JVM).build(), "external");
        assertThat(col.summary().scoringInput()).isEqualTo("column batches");
        assertThat(col.summary().rows()).isEqualTo(a.summary().rows());
        assertThat(byId(columnar)).isEqualTo(byId(internal));
        assertThat(spark.read().parquet(columnar + "/_quarantine").collectAsList())
                .containsExactlyInAnyOrderElementsOf(spark.read().parquet(internal + "/_quarantine")
                        .collectAsList());

        assertThat(a.summary().rows()).isEqualTo(new RunSummary.Rows(200, 196, 4, 0, Map.of(
                "infinite_value", 1L, "nan_value", 1L, "null_value", 2L)));
        assertThat(b.summary().rows()).isEqualTo(a.summary().rows());
        assertThat(spark.read().parquet(internal).schema()).isEqualTo(spark.read().parquet(external).schema());
        Map<Long, Row> in = byId(internal);
        Map<Long, Row> ex = byId(external);
        assertThat(in.keySet()).isEqualTo(ex.keySet()).hasSize(196);
        int prediction = KEPT.size();
        for (long id : in.keySet()) {
            Row r = in.get(id);
            for (int c = 0; c < prediction; c++) {
                assertThat(r.get(c)).as("row %d, column %s", id, KEPT.get(c)).isEqualTo(ex.get(id).get(c));
            }
            assertThat(Float.floatToRawIntBits(r.getFloat(prediction))).as("row %d", id)
                    .isEqualTo(Float.floatToRawIntBits(ex.get(id).getFloat(prediction)));
            // and right: the features went through float64 and decimal(20,7) and back, which moves them < 1e-7
            assertThat((double) r.getFloat(prediction)).isCloseTo(tiny.expected(id), within(1e-6));
        }
        assertThat(spark.read().parquet(internal + "/_quarantine").collectAsList())
                .containsExactlyInAnyOrderElementsOf(spark.read().parquet(external + "/_quarantine")
                        .collectAsList());
    }

    @Test
    void arrayFeaturesAndArrayOutputsAreBitIdenticalOnBothFormatsAndTfAgrees() throws IOException {
        ModelSpec spec = new SequentialBuilder("classes", new int[] {4})
                .add(SampleModels.dense("classes", 4, 3, "softmax", new Random(11))).build();
        Path model = dir.resolve("classes.keras");
        KerasArchiveWriter.write(spec, model);
        String input = dir.resolve("arrays.parquet").toString();
        spark.read().parquet(tiny.inputDir.toString())
                .select(col("id"), array(col("f1").cast("double"), col("f2"), col("f3"), col("f4")).as("x"))
                .write().parquet(input);

        Map<String, Map<Long, Row>> outputs = new HashMap<>();
        for (String mode : List.of("probabilities", "threshold=0.3")) {
            for (PredictionPath path : PredictionPath.values()) {
                for (String format : List.of("columnar", "internal", "external")) {
                    String name = mode.charAt(0) + "-" + path.id() + "-" + format;
                    String out = dir.resolve("classes-" + name).toString();
                    run(JobOptions.builder().setModel(model.toString()).setInput(input)
                            .setBindings(List.of(InputBinding.array(InputBinding.SINGLE_INPUT, "x")))
                            .optKeep(List.of("id")).optOutput(out).optBatchSize(Optional.of(32))
                            .optPath(Optional.of(path)).optOutputMode(mode).build(), format);
                    outputs.put(name, byId(out));
                }
            }
        }
        Map<Long, Row> jvm = outputs.get("p-jvm-internal");
        assertThat(jvm).hasSize(200);
        for (long id : jvm.keySet()) {
            List<Float> p = jvm.get(id).getList(1);
            assertThat(bits(p)).as("row %d", id).isEqualTo(bits(outputs.get("p-jvm-external").get(id).getList(1)))
                    .isEqualTo(bits(outputs.get("p-jvm-columnar").get(id).getList(1)));
            assertThat(p.stream().mapToDouble(Float::doubleValue).sum()).isCloseTo(1.0, within(1e-6));
            List<Float> tf = outputs.get("p-tf-internal").get(id).getList(1);
            assertThat(tf).isEqualTo(outputs.get("p-tf-external").get(id).getList(1))
                    .isEqualTo(outputs.get("p-tf-columnar").get(id).getList(1));
            for (int k = 0; k < 3; k++) {
                assertThat(tf.get(k)).isCloseTo(p.get(k), within(1e-6f));
            }
            List<Integer> flags = outputs.get("t-jvm-internal").get(id).getList(1);
            assertThat(flags).isEqualTo(outputs.get("t-jvm-external").get(id).getList(1))
                    .isEqualTo(outputs.get("t-jvm-columnar").get(id).getList(1))
                    .isEqualTo(p.stream().map(v -> v >= 0.3f ? 1 : 0).toList());
        }
    }

    private static int[] bits(List<Float> values) {
        return values.stream().mapToInt(Float::floatToRawIntBits).toArray();
    }

    @Test
    void anUnknownRowFormatIsRefusedBeforeScoring() {
        String out = dir.resolve("unknown-format").toString();
        assertThatThrownBy(() -> run(job(tiny.inputDir.toString(), out, PredictionPath.JVM)
                .optKeep(List.of("id")).build(), "vectorized"))
                .isInstanceOf(JobException.class)
                .hasMessage("unknown spark.sparkscore.rowFormat 'vectorized'; expected auto, columnar, internal or"
                        + " external");
        assertThat(Path.of(out)).doesNotExist();
    }
}
