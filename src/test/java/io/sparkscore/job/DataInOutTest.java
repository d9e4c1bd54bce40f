package io.sparkscore.job;

import io.sparkscore.ml.JobException;
import io.sparkscore.ml.InputBinding;
import io.sparkscore.ml.RowChecks;
import io.sparkscore.ml.FaultInjection;
import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.SampleModels;
import io.sparkscore.model.Tensor;
import io.sparkscore.model.keras.KerasArchiveWriter;
import io.sparkscore.model.keras.KerasModelReader;
import org.apache.hadoop.conf.Configuration;
import io.sparkscore.runtime.PredictionPath;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Input formats and feature mappings, output formats and modes, bad rows under each policy, reruns and retries. */
class DataInOutTest {

    @TempDir
    static Path dir;
    static TinyModelFixture tiny;
    static SparkSession spark;
    static Dataset<Row> base;

    @BeforeAll
    static void setUp() throws IOException {
        spark = LocalSpark.get();
        tiny = new TinyModelFixture(dir, 200, 4);
        base = spark.read().parquet(tiny.inputDir.toString());
    }

    private static JobOptions.Builder job(String input, String output) {
        return JobOptions.builder().setModel(tiny.modelFile.toString()).setInput(input)
                .setFeatures(List.of("f1", "f2", "f3", "f4")).optKeep(List.of("id")).optOutput(output)
                .optBatchSize(Optional.of(16)).optPath(Optional.of(PredictionPath.JVM));
    }

    private static String out(String name) {
        return dir.resolve(name).toString();
    }

    private static Map<Long, Float> predictions(Dataset<Row> scored) {
        Map<Long, Float> byId = new HashMap<>();
        for (Row r : scored.select("id", "prediction").collectAsList()) {
            byId.put(Long.parseLong(String.valueOf(r.get(0))), Float.parseFloat(String.valueOf(r.get(1))));
        }
        return byId;
    }

    private static void assertMatchesReference(Map<Long, Float> byId, int expectedRows) {
        assertThat(byId).hasSize(expectedRows);
        byId.forEach((id, p) -> assertThat((double) p).as("row %d", id).isCloseTo(tiny.expected(id), within(1e-5)));
    }

    @ParameterizedTest(name = "reads {0}")
    @ValueSource(strings = {"orc", "json", "csv", "avro"})
    void readsEachInputFormat(String format) {
        String input = out("in." + format);
        base.write().format(format).option("header", "true").save(input);
        ScoringJob.Result r = new ScoringJob(spark, job(input, out("from-" + format)).optInputFormat(format).build())
                .run();
        assertThat(r.summary().rows().scored()).isEqualTo(200);
        assertMatchesReference(predictions(spark.read().parquet(out("from-" + format))), 200);
    }

    @ParameterizedTest(name = "writes {0}")
    @ValueSource(strings = {"orc", "json", "csv"})
    void writesEachOutputFormat(String format) {
        String output = out("to-" + format);
        new ScoringJob(spark, job(tiny.inputDir.toString(), output).optOutputFormat(format).build()).run();
        Dataset<Row> written = spark.read().format(format).option("header", "true").option("inferSchema", "true")
                .load(output);
        assertMatchesReference(predictions(written), 200);
    }

    @Test
    void writesACatalogTableAndReadsOne() {
        base.write().mode(SaveMode.Overwrite).saveAsTable("scoring_input");
        JobOptions o = JobOptions.builder().setModel(tiny.modelFile.toString()).setInputTable("scoring_input")
                .setFeatures(List.of("f1", "f2", "f3", "f4")).optKeep(List.of("id")).optOutputTable("scored_table")
                .optMode(JobOptions.WriteMode.OVERWRITE).optBatchSize(Optional.of(16))
                .optPath(Optional.of(PredictionPath.JVM)).optBadRows(BadRowPolicy.SKIP).build();
        new ScoringJob(spark, o).run();
        assertMatchesReference(predictions(spark.table("scored_table")), 200);
    }

    @Test
    void readsOnlyTheFeatureAndKeptColumns() {
        JobOptions o = job(tiny.inputDir.toString(), out("unused")).build();
        Dataset<Row> checked = RowChecks.checked(InputSource.open(spark, o), o.keptColumns(), o.bindings(),
                new int[] {4}, false, false);
        String plan = checked.queryExecution().executedPlan().toString();
        assertThat(plan).contains("ReadSchema: struct<id:bigint,f1:float,f2:float,f3:float,f4:float>");
        assertThat(plan).doesNotContain("label");
    }

    @Test
    void whereAndSampleSelectRows() {
        ScoringJob.Result where = new ScoringJob(spark, job(tiny.inputDir.toString(), out("where"))
                .optWhere("id < 50").build()).run();
        assertThat(where.summary().rows().in()).isEqualTo(50);
        assertMatchesReference(predictions(spark.read().parquet(out("where"))), 50);

        ScoringJob.Result sample = new ScoringJob(spark, job(tiny.inputDir.toString(), out("sample"))
                .optSample(0.5).build()).run();
        long rows = spark.read().parquet(out("sample")).count();
        assertThat(rows).isEqualTo(sample.summary().rows().scored()).isBetween(60L, 140L);
    }

    @Test
    void mapsAnArrayColumnAndDenseAndSparseVectors() {
        Dataset<Row> arrays = base.select(col("id"), org.apache.spark.sql.functions.array("f1", "f2", "f3", "f4")
                .as("features"));
        String arrayInput = out("in-array");
        arrays.write().parquet(arrayInput);
        new ScoringJob(spark, job(arrayInput, out("from-array")).setBindings(
                List.of(InputBinding.array(InputBinding.SINGLE_INPUT, "features"))).build()).run();
        assertMatchesReference(predictions(spark.read().parquet(out("from-array"))), 200);

        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            float[] f = tiny.rows.get(i);
            double[] d = {f[0], f[1], f[2], f[3]};
            rows.add(RowFactory.create((long) i, i % 2 == 0 ? Vectors.dense(d)
                    : Vectors.dense(d).toSparse()));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType).add("v", new VectorUDT());
        String vectorInput = out("in-vector");
        spark.createDataFrame(rows, schema).write().parquet(vectorInput);
        new ScoringJob(spark, job(vectorInput, out("from-vector")).setBindings(
                List.of(InputBinding.array(InputBinding.SINGLE_INPUT, "v"))).build()).run();
        assertMatchesReference(predictions(spark.read().parquet(out("from-vector"))), 200);
    }

    @Test
    void mapsEachInputOfAMultiInputModel() throws IOException {
        Random random = new Random(3);
        LayerSpec concat = new LayerSpec("concatenate", "Concatenate",
                new LayerConfig("concatenate", "Concatenate", Map.of("axis", -1)), Map.of());
        LayerSpec dense = SampleModels.dense("dense", 4, 1, "linear", random);
        ModelSpec spec = new ModelSpec("two_inputs", "programmatic", "3",
                List.of(new InputSpec("a", new int[] {2}, "float32"), new InputSpec("b", new int[] {2}, "float32")),
                List.of(concat, dense),
                List.of(new NodeSpec("concatenate", "concatenate", List.of("a", "b")),
                        new NodeSpec("dense", "dense", List.of("concatenate"))),
                List.of("dense"));
        Path model = dir.resolve("two_inputs.keras");
        KerasArchiveWriter.write(spec, model);
        JobOptions o = job(tiny.inputDir.toString(), out("multi-input")).setModel(model.toString())
                .setBindings(List.of(InputBinding.parse("b=f3,f4"), InputBinding.parse("a=f1,f2"))).build();
        new ScoringJob(spark, o).run();

        Tensor k = dense.weight("kernel");
        float bias = dense.weight("bias").data()[0];
        Map<Long, Float> byId = predictions(spark.read().parquet(out("multi-input")));
        assertThat(byId).hasSize(200);
        byId.forEach((id, p) -> {
            float[] f = tiny.rows.get(id.intValue());
            double expected = bias;
            for (int i = 0; i < 4; i++) {
                expected += f[i] * k.data()[i];
            }
            assertThat((double) p).isCloseTo(expected, within(1e-5));
        });
    }

    @Test
    void eachOutputOfAMultiOutputModelGetsAColumnNamedAfterIt() throws IOException {
        Random random = new Random(4);
        LayerSpec classes = SampleModels.dense("classes", 4, 3, "softmax", random);
        LayerSpec score = SampleModels.dense("score", 4, 1, "sigmoid", random);
        ModelSpec spec = new ModelSpec("two_heads", "programmatic", "3",
                List.of(new InputSpec("x", new int[] {4}, "float32")), List.of(classes, score),
                List.of(new NodeSpec("classes", "classes", List.of("x")), new NodeSpec("score", "score", List.of("x"))),
                List.of("classes", "score"));
        Path model = dir.resolve("two_heads.keras");
        KerasArchiveWriter.write(spec, model);
        new ScoringJob(spark, job(tiny.inputDir.toString(), out("two-heads")).setModel(model.toString()).build())
                .run();

        Dataset<Row> written = spark.read().parquet(out("two-heads"));
        assertThat(written.schema().simpleString())
                .isEqualTo("struct<id:bigint,classes:array<float>,score:float>");
        Row first = written.where("id = 0").first();
        float[] x = tiny.rows.get(0);
        double z = score.weight("bias").data()[0];
        for (int i = 0; i < 4; i++) {
            z += x[i] * score.weight("kernel").data()[i];
        }
        assertThat((double) first.getFloat(2)).isCloseTo(1 / (1 + Math.exp(-z)), within(1e-6));
        List<Float> probabilities = first.getList(1);
        assertThat(probabilities.stream().mapToDouble(Float::doubleValue).sum()).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void maxRecordsPerFileAndCoalesceSizeTheOutputFiles() throws IOException {
        new ScoringJob(spark, job(tiny.inputDir.toString(), out("sized")).optCoalesce(1).optMaxRecordsPerFile(50)
                .build()).run();
        try (Stream<Path> files = Files.list(Path.of(out("sized")))) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".parquet"))).hasSize(4);
        }
        assertThat(spark.read().parquet(out("sized")).count()).isEqualTo(200);
    }

    /** 20 good rows and one bad row of each kind, from a CSV file (so that "not a number" can occur). */
    private static String badRowsCsv() throws IOException {
        Path csv = dir.resolve("bad-rows.csv");
        if (!Files.exists(csv)) {
            StringBuilder b = new StringBuilder("id,f1,f2,f3,f4\n");
            for (int i = 0; i < 20; i++) {
                float[] f = tiny.rows.get(i);
                b.append(i).append(',').append(f[0]).append(',').append(f[1]).append(',').append(f[2]).append(',')
                        .append(f[3]).append('\n');
            }
            b.append("100,,1,1,1\n");          // null
            b.append("101,1,NaN,1,1\n");       // NaN
            b.append("102,1,1,Infinity,1\n");  // infinite
            b.append("103,1,1,1,abc\n");       // not a number
            Files.writeString(csv, b.toString());
        }
        return csv.toString();
    }

    @Test
    void quarantinesBadRowsWithTheirKeyAndReasonAndScoresTheRest() throws IOException {
        String output = out("quarantine");
        ScoringJob.Result r = new ScoringJob(spark, job(badRowsCsv(), output).optInputFormat("csv").build()).run();

        assertThat(r.summary().rows()).isEqualTo(new RunSummary.Rows(24, 20, 4, 0, Map.of(
                "infinite_value", 1L, "nan_value", 1L, "not_a_number", 1L, "null_value", 1L)));
        Map<String, String> reasons = new HashMap<>();
        for (Row row : spark.read().parquet(output + "/_quarantine").collectAsList()) {
            reasons.put(row.getString(0), row.getString(1));
        }
        assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of(
                "100", "f1 is null", "101", "f2 is NaN", "102", "f3 is infinite",
                "103", "f4 is not a number: 'abc'"));
        assertThat(spark.read().parquet(output).count()).isEqualTo(20);
    }

    @Test
    void skipsBadRowsCountingThemByReason() throws IOException {
        ScoringJob.Result r = new ScoringJob(spark, job(badRowsCsv(), out("skip")).optInputFormat("csv")
                .optBadRows(BadRowPolicy.SKIP).build()).run();
        assertThat(r.summary().rows().skipped()).isEqualTo(4);
        assertThat(r.summary().rows().quarantined()).isZero();
        assertThat(Path.of(out("skip"), "_quarantine")).doesNotExist();
    }

    @Test
    void failPolicyStopsBeforeScoringNamingTheFirstBadRow() throws IOException {
        JobOptions o = job(badRowsCsv(), out("fail")).optInputFormat("csv").optBadRows(BadRowPolicy.FAIL)
                .optWhere("id = '103'").build();
        assertThatThrownBy(() -> new ScoringJob(spark, o).run())
                .isInstanceOf(JobException.class)
                .hasMessage("bad row [id=103]: f4 is not a number: 'abc' (--bad-rows fail stops at the first one;"
                        + " use --bad-rows quarantine to score the rest and keep the bad rows aside)");
        assertThat(Path.of(out("fail"))).doesNotExist();
    }

    @Test
    void arraysOfTheWrongLengthAndNaNAllowedAreHandled() {
        Dataset<Row> arrays = base.where("id < 10").select(col("id"),
                org.apache.spark.sql.functions.when(col("id").equalTo(3), org.apache.spark.sql.functions.array("f1"))
                        .otherwise(org.apache.spark.sql.functions.array("f1", "f2", "f3", "f4")).as("features"));
        String input = out("in-short-array");
        arrays.write().parquet(input);
        ScoringJob.Result r = new ScoringJob(spark, job(input, out("short-array")).setBindings(
                List.of(InputBinding.array(InputBinding.SINGLE_INPUT, "features"))).build()).run();
        assertThat(r.summary().rows().badByReason()).isEqualTo(Map.of("wrong_length", 1L));
        assertThat(spark.read().parquet(out("short-array") + "/_quarantine").first().getString(1))
                .isEqualTo("features has 1 values but the model input expects 4");
    }

    @Test
    void argmaxAndThresholdOutputModesAndMetadataColumns() {
        new ScoringJob(spark, job(tiny.inputDir.toString(), out("threshold")).optOutputMode("threshold=0.5")
                .optWithMetadata(true).build()).run();
        Dataset<Row> written = spark.read().parquet(out("threshold"));
        String hash = KerasModelReader.read(tiny.modelFile.toString(), new Configuration()).hash();
        assertThat(written.schema().simpleString()).isEqualTo(
                "struct<id:bigint,prediction:int,model_hash:string,run_id:string,scored_at:timestamp>");
        for (Row r : written.collectAsList()) {
            assertThat(r.getInt(1)).isEqualTo(tiny.expected(r.getLong(0)) >= 0.5 ? 1 : 0);
            assertThat(r.getString(2)).isEqualTo(hash);
        }
        assertThatThrownBy(() -> new ScoringJob(spark, job(tiny.inputDir.toString(), out("argmax"))
                .optOutputMode("argmax").build()).run())
                .hasMessage("--output-mode argmax needs outputs with several values, but output 'dense_1' has 1;"
                        + " use threshold=0.5 for a single sigmoid unit");
    }

    @Test
    void rerunsGiveIdenticalPredictions() {
        new ScoringJob(spark, job(tiny.inputDir.toString(), out("rerun-1")).build()).run();
        new ScoringJob(spark, job(tiny.inputDir.toString(), out("rerun-2")).build()).run();
        assertThat(predictions(spark.read().parquet(out("rerun-2"))))
                .isEqualTo(predictions(spark.read().parquet(out("rerun-1"))));
    }

    @Test
    void overwritingPartitionsReplacesExactlyThePartitionsWritten() throws IOException {
        Dataset<Row> byDay = base.withColumn("dt", concat(lit("2026-11-"), col("id").mod(2).plus(28)));
        String input = out("in-days");
        byDay.write().parquet(input);
        String output = out("by-day");
        JobOptions.Builder b = job(input, output).optPartitionBy(List.of("dt"));
        new ScoringJob(spark, b.build()).run();
        Path day28 = Path.of(output, "dt=2026-11-28");
        List<String> day28Files;
        try (Stream<Path> files = Files.list(day28)) {
            day28Files = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        ScoringJob.Result rerun = new ScoringJob(spark, b.optWhere("dt = '2026-11-29'")
                .optMode(JobOptions.WriteMode.OVERWRITE_PARTITIONS).build()).run();

        assertThat(rerun.summary().rows().scored()).isEqualTo(100);
        try (Stream<Path> files = Files.list(day28)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).isEqualTo(day28Files);
        }
        Dataset<Row> all = spark.read().parquet(output);
        assertThat(all.count()).isEqualTo(200);
        assertThat(all.select("id").distinct().count()).isEqualTo(200);
    }

    @Test
    void aTaskFailingMidWriteIsRetriedWithoutDuplicatesOrLoss() {
        spark.conf().set(FaultInjection.KEY, "1");
        ScoringJob.Result r;
        try {
            r = new ScoringJob(spark, job(tiny.inputDir.toString(), out("retried")).build()).run();
        } finally {
            spark.conf().unset(FaultInjection.KEY);
        }
        Dataset<Row> written = spark.read().parquet(out("retried"));
        assertThat(written.count()).isEqualTo(200);
        assertThat(written.select("id").distinct().count()).isEqualTo(200);
        assertThat(r.summary().rows().scored()).isEqualTo(200);
        assertThat(r.summary().executors().get(0).retriedTasks()).isEqualTo(1);
    }
}
