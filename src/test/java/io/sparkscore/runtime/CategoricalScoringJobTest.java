package io.sparkscore.runtime;

import io.sparkscore.cli.SparkScoreCliTest;
import io.sparkscore.job.JobOptions;
import io.sparkscore.job.LocalSpark;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.ml.InputBinding;
import io.sparkscore.ml.RowFormat;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.keras.KerasArchiveWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A structured-data model as Keras' examples build it (one Input per column: StringLookup, IntegerLookup,
 * Normalization and Discretization, concatenated into a Dense) scored by {@link ScoringJob} from a Parquet table
 * with string, int and float columns, nulls and unseen categories, bound by input name without an input map: the
 * predictions equal a reference computed here by hand from the layers' definitions, the null rows are quarantined
 * with their reason, and the counts reconcile, on both paths and both row formats.
 */
class CategoricalScoringJobTest {

    private static final List<String> CITIES = List.of("paris", "london", "tokyo");

    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path model;
    static LayerSpec dense;
    static String data;

    @BeforeAll
    static void writeModelAndTable() {
        spark = LocalSpark.get();
        RandomNet net = new RandomNet("churn", 12);
        String city = net.call(KerasPreprocessing.stringLookup("string_lookup", CITIES, 1, null, "one_hot"),
                net.input("city", "string", 1));
        String plan = net.call(KerasPreprocessing.integerLookup("integer_lookup", List.of(1L, 2L, 3L), 1, null,
                "one_hot"), net.input("plan", "int64", 1));
        String age = net.call(KerasPreprocessing.normalization("normalization", new float[] {40},
                new float[] {100}), net.input("age", 1));
        String tenure = net.call(KerasPreprocessing.discretization("discretization", List.of(12.0, 24.0),
                "one_hot"), net.input("tenure", 1));
        String joined = net.call(net.layers().concatenate(-1), city, plan, age, tenure);
        dense = net.layers().dense(12, 1, "sigmoid");
        ModelSpec spec = net.build(net.call(dense, joined));
        model = dir.resolve("churn.keras");
        KerasArchiveWriter.write(spec, model);

        StructType schema = new StructType().add("id", DataTypes.LongType).add("city", DataTypes.StringType)
                .add("plan", DataTypes.IntegerType).add("age", DataTypes.FloatType).add("tenure", DataTypes.DoubleType);
        List<Row> rows = List.of(
                RowFactory.create(1L, "paris", 1, 30f, 5.0),
                RowFactory.create(2L, "london", 2, 50f, 12.0),
                RowFactory.create(3L, "tokyo", 3, 40f, 30.0),
                RowFactory.create(4L, "berlin", 2, 35f, 24.0),
                RowFactory.create(5L, "Paris", 9, 60f, 0.0),
                RowFactory.create(6L, null, 1, 20f, 1.0),
                RowFactory.create(7L, " tokyo", 2, 45f, 13.0),
                RowFactory.create(8L, "london", null, 33f, 3.0),
                RowFactory.create(9L, "tokyo", 1, null, 3.0),
                RowFactory.create(10L, "東京", 3, 41f, 100.0));
        data = dir.resolve("customers").toString();
        spark.createDataFrame(rows, schema).repartition(3).write().parquet(data);
    }

    /** The model by hand: one-hot city (OOV 0), plan (OOV 0), (age - 40) / 10, tenure bucket; then the Dense. */
    private static double reference(String city, int plan, float age, double tenure) {
        double[] f = new double[12];
        f[CITIES.indexOf(city) + 1] = 1;
        f[4 + (plan >= 1 && plan <= 3 ? plan : 0)] = 1;
        f[8] = (age - 40) / 10.0;
        f[9 + (tenure < 12 ? 0 : tenure < 24 ? 1 : 2)] = 1;
        float[] w = dense.weight("kernel").data();
        double z = dense.weight("bias").data()[0];
        for (int i = 0; i < 12; i++) {
            z += w[i] * f[i];
        }
        return 1 / (1 + Math.exp(-z));
    }

    @ParameterizedTest(name = "{0} path, {1} rows")
    @CsvSource({"tf, internal", "tf, external", "jvm, internal", "jvm, external"})
    void predictionsQuarantineAndCountsAreExact(String path, String rowFormat) {
        String out = dir.resolve("scored-" + path + "-" + rowFormat).toString();
        JobOptions options = JobOptions.builder().setModel(model.toString()).setInput(data)
                .setBindings(List.of(InputBinding.byInputNames())).optKeep(List.of("id")).optOutput(out)
                .optBatchSize(Optional.of(4)).optPath(Optional.of(PredictionPath.parse(path))).build();
        spark.conf().set(RowFormat.KEY, rowFormat);
        ScoringJob.Result result;
        try {
            result = new ScoringJob(spark, options).run();
        } finally {
            spark.conf().unset(RowFormat.KEY);
        }

        assertScoredExactly(result, out);
    }

    @Test
    void calibrationSamplesTheMixedDtypeRowsThroughTheSameEncoder() {
        String out = dir.resolve("scored-calibrated").toString();
        JobOptions options = JobOptions.builder().setModel(model.toString()).setInput(data)
                .setBindings(List.of(InputBinding.byInputNames())).optKeep(List.of("id")).optOutput(out)
                .optCalibrationRows(64).optCalibrationBudgetMillis(3000).optPlanStore(null).build();
        ScoringJob.Result result = new ScoringJob(spark, options).run();
        assertThat(result.summary().plan().source()).isEqualTo("calibrated");
        assertThat(result.calibration().chosen()).isNotNull();
        assertScoredExactly(result, out);
    }

    private static void assertScoredExactly(ScoringJob.Result result, String out) {
        assertThat(result.summary().rows().in()).isEqualTo(10);
        assertThat(result.summary().rows().scored()).isEqualTo(7);
        assertThat(result.summary().rows().quarantined()).isEqualTo(3);
        assertThat(result.summary().rows().badByReason()).isEqualTo(Map.of("null_value", 3L));
        Map<Long, Double> expected = new HashMap<>();
        expected.put(1L, reference("paris", 1, 30f, 5.0));
        expected.put(2L, reference("london", 2, 50f, 12.0));
        expected.put(3L, reference("tokyo", 3, 40f, 30.0));
        expected.put(4L, reference("berlin", 2, 35f, 24.0));
        expected.put(5L, reference("Paris", 9, 60f, 0.0));
        expected.put(7L, reference(" tokyo", 2, 45f, 13.0));
        expected.put(10L, reference("東京", 3, 41f, 100.0));
        List<Row> scored = spark.read().parquet(out).collectAsList();
        assertThat(scored).hasSize(7);
        for (Row r : scored) {
            assertThat((double) r.getFloat(1)).as("row %d", r.getLong(0))
                    .isCloseTo(expected.get(r.getLong(0)), within(1e-6));
        }
        List<String> quarantined = spark.read().parquet(out + "/_quarantine").collectAsList().stream()
                .map(r -> r.getLong(0) + ": " + r.getAs("reason") + " (" + r.getAs("reason_code") + ")").sorted()
                .toList();
        assertThat(quarantined).containsExactly("6: city is null (null_value)", "8: plan is null (null_value)",
                "9: age is null (null_value)");
    }

    @ParameterizedTest(name = "{0} rows")
    @CsvSource({"internal", "external"})
    void anArrayOfStringsFeedsAMultiHotLookupAndItsBadArraysAreQuarantined(String rowFormat) {
        RandomNet net = new RandomNet("tags", 3);
        LayerSpec tagsDense = net.layers().dense(4, 1, "linear");
        String hot = net.call(KerasPreprocessing.stringLookup("string_lookup", CITIES, 1, null, "count"),
                net.input("tags", "string", 3));
        Path tagsModel = dir.resolve("tags-" + rowFormat + ".keras");
        KerasArchiveWriter.write(net.build(net.call(tagsDense, hot)), tagsModel);
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("tags", DataTypes.createArrayType(DataTypes.StringType));
        String table = dir.resolve("tags-table-" + rowFormat).toString();
        spark.createDataFrame(List.of(
                RowFactory.create(1L, List.of("paris", "paris", "rome")),
                RowFactory.create(2L, List.of("tokyo", "london", "Tokyo")),
                RowFactory.create(3L, Arrays.asList("paris", null, "rome")),
                RowFactory.create(4L, List.of("paris", "rome"))), schema).write().parquet(table);
        String out = dir.resolve("tags-scored-" + rowFormat).toString();
        JobOptions options = JobOptions.builder().setModel(tagsModel.toString()).setInput(table)
                .setBindings(List.of(InputBinding.byInputNames())).optKeep(List.of("id")).optOutput(out)
                .optBatchSize(Optional.of(4)).optPath(Optional.of(PredictionPath.JVM)).build();
        spark.conf().set(RowFormat.KEY, rowFormat);
        ScoringJob.Result result;
        try {
            result = new ScoringJob(spark, options).run();
        } finally {
            spark.conf().unset(RowFormat.KEY);
        }

        assertThat(result.summary().rows().badByReason()).isEqualTo(Map.of("null_value", 1L, "wrong_length", 1L));
        float[] w = tagsDense.weight("kernel").data();
        float b = tagsDense.weight("bias").data()[0];
        // counts over [OOV, paris, london, tokyo]
        Map<Long, Double> expected = Map.of(1L, (double) b + w[0] + 2.0 * w[1], 2L, (double) b + w[0] + w[2] + w[3]);
        for (Row r : spark.read().parquet(out).collectAsList()) {
            assertThat((double) r.getFloat(1)).isCloseTo(expected.get(r.getLong(0)), within(1e-6));
        }
        assertThat(spark.read().parquet(out).count()).isEqualTo(2);
    }

    @Test
    void withoutOovIndicesAnUnseenCategoryIsABadRowWhereKerasWouldFailTheCall() {
        RandomNet net = new RandomNet("closed", 5);
        LayerSpec closedDense = net.layers().dense(3, 1, "linear");
        String hot = net.call(KerasPreprocessing.stringLookup("string_lookup", CITIES, 0, null, "one_hot"),
                net.input("city", "string", 1));
        Path closedModel = dir.resolve("closed.keras");
        KerasArchiveWriter.write(net.build(net.call(closedDense, hot)), closedModel);
        String out = dir.resolve("closed-scored").toString();
        JobOptions options = JobOptions.builder().setModel(closedModel.toString()).setInput(data)
                .setBindings(List.of(InputBinding.byInputNames())).optKeep(List.of("id")).optOutput(out)
                .optBatchSize(Optional.of(4)).optPath(Optional.of(PredictionPath.TF)).build();

        ScoringJob.Result result = new ScoringJob(spark, options).run();

        assertThat(result.summary().rows().badByReason()).isEqualTo(Map.of("null_value", 1L,
                "out_of_vocabulary", 4L));
        assertThat(result.summary().rows().scored()).isEqualTo(5);
        float[] w = closedDense.weight("kernel").data();
        float b = closedDense.weight("bias").data()[0];
        for (Row r : spark.read().parquet(out).collectAsList()) {
            long id = r.getLong(0);
            int city = id == 1 ? 0 : id == 2 || id == 8 ? 1 : 2; // paris; london; tokyo (rows 3 and 9)
            assertThat((double) r.getFloat(1)).as("row %d", id).isCloseTo((double) b + w[city], within(1e-6));
        }
        assertThat(spark.read().parquet(out + "/_quarantine").filter("id = 4").first().<String>getAs("reason"))
                .isEqualTo("city 'berlin' is not in the vocabulary of string_lookup (num_oov_indices=0)");
    }

    @Test
    void theSparkMlTransformerBindsByNameAndKeepsNullCategoriesWithTheirReason() {
        List<Row> rows = new io.sparkscore.ml.SparkScoreModel().setModelPath(model.toString()).setBatchSize(4)
                .setPredictionPath("tf").transform(spark.read().parquet(data)).collectAsList();
        assertThat(rows).hasSize(10);
        for (Row r : rows) {
            long id = r.getLong(0);
            if (id == 6 || id == 8 || id == 9) {
                assertThat(r.isNullAt(r.fieldIndex("prediction"))).isTrue();
                assertThat(r.<String>getAs("reason")).endsWith(" is null");
            } else {
                assertThat(r.isNullAt(r.fieldIndex("reason"))).isTrue();
                Float age = r.getAs("age");
                double expected = reference(r.getAs("city"), r.<Integer>getAs("plan"), age, r.getAs("tenure"));
                assertThat((double) r.<Float>getAs("prediction")).as("row %d", id).isCloseTo(expected, within(1e-6));
            }
        }
    }

    @Test
    void inspectShowsEachInputsDtypeWhatItReadsAndTheColumnItBindsTo() {
        SparkScoreCliTest.Run inspected = SparkScoreCliTest.run("inspect", "--model", model.toString());
        assertThat(inspected.code()).as(inspected.output()).isZero();
        assertThat(inspected.output())
                .contains("input city: string (None, 1), reads string columns, encoded by string_lookup"
                        + " (StringLookup); binds column 'city' unless mapped")
                .contains("input plan: int64 (None, 1), reads integer columns, encoded by integer_lookup"
                        + " (IntegerLookup); binds column 'plan' unless mapped")
                .contains("input age: float32 (None, 1), reads numeric columns; binds column 'age' unless mapped")
                .contains("Path tf: can run this model").contains("Path jvm: can run this model");
    }

    @Test
    void aNumericColumnForAStringInputIsRefusedBeforeScoringNamingBoth() {
        String renamed = dir.resolve("renamed").toString();
        spark.read().parquet(data).withColumn("city", org.apache.spark.sql.functions.col("plan")).write()
                .parquet(renamed);
        JobOptions options = JobOptions.builder().setModel(model.toString()).setInput(renamed)
                .setBindings(List.of(InputBinding.byInputNames())).optKeep(List.of("id"))
                .optOutput(dir.resolve("never").toString()).optBatchSize(Optional.of(4))
                .optPath(Optional.of(PredictionPath.JVM)).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ScoringJob(spark, options).run())
                .hasMessage("feature column 'city' has type int but model input 'city' (dtype string, read by"
                        + " string_lookup) takes string values; bind a column of that type or cast this one in the"
                        + " source data");
        assertThat(Arrays.asList(new java.io.File(dir.toString()).list())).doesNotContain("never");
    }
}
