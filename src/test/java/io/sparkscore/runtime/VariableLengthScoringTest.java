package io.sparkscore.runtime;

import io.sparkscore.cli.SparkScoreCliTest;
import io.sparkscore.job.JobOptions;
import io.sparkscore.job.LocalSpark;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.ml.InputBinding;
import io.sparkscore.ml.RowFormat;
import io.sparkscore.ml.SequenceLengths;
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
 * A model with {@code Input(shape=(None, 2))} (SimpleRNN, then Dense) scored by {@link ScoringJob} from a Parquet
 * table whose {@code array<float>} column holds sequences of 1 to 3 steps mixed in every batch: each prediction
 * equals the RNN worked out by hand over that row's own steps (Keras' {@code model.predict(x_row[None])}), and rows
 * that are empty, not a whole number of steps, longer than {@link SequenceLengths#MAX_LENGTH_KEY} allows, null or NaN
 * are quarantined with their reason codes, on both paths and every row format.
 */
class VariableLengthScoringTest {

    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path model;
    static LayerSpec rnn;
    static LayerSpec dense;
    static String data;

    /** id, then the sequence (2 values per step). */
    static final Object[][] ROWS = {
            {1L, new float[] {0.5f, -1f}},
            {2L, new float[] {0.1f, 0.2f, 0.3f, -0.4f}},
            {3L, new float[] {1f, 0f, -0.5f, 0.25f, 0.75f, 2f}},
            {4L, new float[] {-0.3f, 0.9f, 0.6f, 0.1f}},
            {5L, new float[] {2f, 1f}},
            {6L, new float[0]},
            {7L, new float[] {1f, 2f, 3f}},
            {8L, null},
            {9L, new float[14]},
            {10L, new float[] {1f, Float.NaN}},
            {11L, new float[] {0.2f, 0.2f, -0.2f, -0.2f, 0.4f, 0.1f, 0.3f, 0.3f, 0.5f, -0.5f, 0.6f, 0.6f}},
    };

    @BeforeAll
    static void writeModelAndTable() {
        spark = LocalSpark.get();
        RandomNet net = new RandomNet("seq_rnn", 21);
        rnn = net.layers().simpleRnn(2, 3, "tanh", false, false);
        dense = net.layers().dense(3, 1, "linear");
        ModelSpec spec = net.build(net.chain(net.input("seq", -1, 2), rnn, dense));
        model = dir.resolve("seq_rnn.keras");
        KerasArchiveWriter.write(spec, model);
        data = dir.resolve("sequences").toString();
        spark.createDataFrame(rows(), new StructType().add("id", DataTypes.LongType)
                .add("seq", DataTypes.createArrayType(DataTypes.FloatType))).repartition(2).write().parquet(data);
    }

    static List<Row> rows() {
        return Arrays.stream(ROWS).map(r -> RowFactory.create(r[0], r[1] == null ? null : boxed((float[]) r[1])))
                .toList();
    }

    static List<Float> boxed(float[] values) {
        Float[] b = new Float[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = values[i];
        }
        return Arrays.asList(b);
    }

    /** SimpleRNN by its definition, h = tanh(x_t K + h R + b) from h = 0 over the row's steps, then the Dense. */
    static double reference(float[] seq) {
        float[] k = rnn.weight("kernel").data();
        float[] rec = rnn.weight("recurrent_kernel").data();
        float[] b = rnn.weight("bias").data();
        double[] h = new double[3];
        for (int t = 0; t < seq.length / 2; t++) {
            double[] next = new double[3];
            for (int u = 0; u < 3; u++) {
                double z = b[u] + seq[2 * t] * k[u] + seq[2 * t + 1] * k[3 + u];
                for (int v = 0; v < 3; v++) {
                    z += h[v] * rec[v * 3 + u];
                }
                next[u] = Math.tanh(z);
            }
            h = next;
        }
        float[] w = dense.weight("kernel").data();
        return dense.weight("bias").data()[0] + h[0] * w[0] + h[1] * w[1] + h[2] * w[2];
    }

    @ParameterizedTest(name = "{0} path, {1} rows")
    @CsvSource({"jvm, auto", "jvm, internal", "jvm, external", "tf, auto", "tf, internal", "tf, external"})
    void eachRowIsScoredOverItsOwnStepsAndBadLengthsAreQuarantined(String path, String rowFormat) {
        String out = dir.resolve("scored-" + path + "-" + rowFormat).toString();
        JobOptions options = JobOptions.builder().setModel(model.toString()).setInput(data)
                .setBindings(List.of(InputBinding.array(InputBinding.SINGLE_INPUT, "seq"))).optKeep(List.of("id"))
                .optOutput(out).optBatchSize(Optional.of(4)).optPath(Optional.of(PredictionPath.parse(path)))
                .build();
        ScoringJob.Result result = withConf(Map.of(RowFormat.KEY, rowFormat, SequenceLengths.MAX_LENGTH_KEY, "6"),
                () -> new ScoringJob(spark, options).run());

        assertThat(result.summary().scoringInput()).isEqualTo(Map.of("auto", "column batches", "internal",
                "internal rows", "external", "external rows").get(rowFormat));
        assertThat(result.summary().rows().in()).isEqualTo(11);
        assertThat(result.summary().rows().scored()).isEqualTo(6);
        assertThat(result.summary().rows().badByReason()).isEqualTo(Map.of("sequence_length", 3L,
                "null_value", 1L, "nan_value", 1L));
        Map<Long, float[]> byId = new HashMap<>();
        for (Object[] r : ROWS) {
            byId.put((Long) r[0], (float[]) r[1]);
        }
        List<Row> scored = spark.read().parquet(out).collectAsList();
        assertThat(scored).extracting(r -> r.getLong(0)).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 11L);
        for (Row r : scored) {
            assertThat((double) r.getFloat(1)).as("row %d", r.getLong(0))
                    .isCloseTo(reference(byId.get(r.getLong(0))), within(1e-6));
        }
        List<String> quarantined = spark.read().parquet(out + "/_quarantine").collectAsList().stream()
                .map(r -> r.getLong(0) + ": " + r.getAs("reason") + " (" + r.getAs("reason_code") + ")").sorted()
                .toList();
        assertThat(quarantined).containsExactly(
                "10: seq has a NaN element (nan_value)",
                "6: seq is empty; the model reads sequences of 1 to 6 steps (sequence_length)",
                "7: seq has 3 values, not a whole number of steps of 2 (sequence_length)",
                "8: seq is null (null_value)",
                "9: seq has 7 steps, more than spark.sparkscore.maxSequenceLength = 6 (sequence_length)");
    }

    @Test
    void bindsByInputNameWhenNoFeatureOptionIsGiven() {
        String out = dir.resolve("scored-by-name").toString();
        JobOptions options = JobOptions.builder().setModel(model.toString()).setInput(data)
                .setBindings(List.of(InputBinding.byInputNames())).optKeep(List.of("id")).optOutput(out)
                .optBatchSize(Optional.of(3)).optPath(Optional.of(PredictionPath.JVM)).build();
        ScoringJob.Result result = new ScoringJob(spark, options).run();
        assertThat(result.summary().rows().scored()).isEqualTo(7);
        assertThat(result.summary().rows().badByReason()).containsEntry("sequence_length", 2L);
    }

    @Test
    void calibrationMeasuresTheGroupedCallsOnTheSampledLengthsAndScoresTheSame() {
        String out = dir.resolve("scored-calibrated").toString();
        JobOptions options = JobOptions.builder().setModel(model.toString()).setInput(data)
                .setBindings(List.of(InputBinding.array(InputBinding.SINGLE_INPUT, "seq"))).optKeep(List.of("id"))
                .optOutput(out).optCalibrationRows(64).optCalibrationBudgetMillis(3000).optPlanStore(null).build();
        ScoringJob.Result result = new ScoringJob(spark, options).run();
        assertThat(result.summary().plan().source()).isEqualTo("calibrated");
        assertThat(result.calibration().measurements()).isNotEmpty();
        Map<Long, float[]> byId = new HashMap<>();
        for (Object[] r : ROWS) {
            byId.put((Long) r[0], (float[]) r[1]);
        }
        for (Row r : spark.read().parquet(out).collectAsList()) {
            assertThat((double) r.getFloat(1)).as("row %d", r.getLong(0))
                    .isCloseTo(reference(byId.get(r.getLong(0))), within(1e-6));
        }
        assertThat(result.summary().rows().scored()).isEqualTo(7);
    }

    /** GlobalAveragePooling1D over rows of 1 to 3 steps given as array<array<double>>, one inner array per step. */
    @ParameterizedTest(name = "{0} path")
    @CsvSource({"jvm", "tf"})
    void theTransformerReadsNestedStepsAndKeepsBadRowsWithTheirReason(String path) {
        RandomNet net = new RandomNet("seq_mean", 3);
        Path meanModel = dir.resolve("seq_mean-" + path + ".keras");
        KerasArchiveWriter.write(net.build(net.chain(net.input("steps", -1, 2),
                net.layers().globalPooling("Average", 1, false))), meanModel);
        StructType schema = new StructType().add("id", DataTypes.LongType).add("steps",
                DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)));
        List<Row> rows = List.of(
                RowFactory.create(1L, List.of(List.of(1.0, 2.0))),
                RowFactory.create(2L, List.of(List.of(1.0, 2.0), List.of(3.0, 5.0))),
                RowFactory.create(3L, List.of(List.of(0.0, 0.0), List.of(1.0, 1.0), List.of(2.0, 5.0))),
                RowFactory.create(4L, List.of()),
                RowFactory.create(5L, List.of(List.of(1.0, 2.0), List.of(3.0))),
                RowFactory.create(6L, Arrays.asList(List.of(1.0, 2.0), null)),
                RowFactory.create(7L, null),
                RowFactory.create(8L, List.of(List.of(-4.0, 4.0), List.of(4.0, -4.0))));
        List<Row> scored = new io.sparkscore.ml.SparkScoreModel().setModelPath(meanModel.toString())
                .setFeaturesCol("steps").setBatchSize(4).setPredictionPath(path)
                .transform(spark.createDataFrame(rows, schema)).orderBy("id").collectAsList();
        Map<Long, List<Float>> expected = Map.of(1L, List.of(1f, 2f), 2L, List.of(2f, 3.5f), 3L, List.of(1f, 2f),
                8L, List.of(0f, 0f));
        Map<Long, String> reasons = Map.of(4L, "steps is empty; the model reads sequences of 1 to 1000 steps",
                5L, "steps has a step that does not hold 2 values", 6L, "steps has a null step", 7L, "steps is null");
        assertThat(scored).hasSize(8);
        for (Row r : scored) {
            long id = r.getLong(0);
            if (expected.containsKey(id)) {
                assertThat(r.isNullAt(r.fieldIndex("reason"))).as("row %d", id).isTrue();
                assertThat(r.<scala.collection.Seq<Float>>getAs("prediction")).as("row %d", id)
                        .satisfies(p -> assertThat(scala.jdk.javaapi.CollectionConverters.asJava(p))
                                .containsExactlyElementsOf(expected.get(id)));
            } else {
                assertThat(r.isNullAt(r.fieldIndex("prediction"))).as("row %d", id).isTrue();
                assertThat(r.<String>getAs("reason")).as("row %d", id).isEqualTo(reasons.get(id));
            }
        }
    }

    @Test
    void inspectShowsTheOpenDimensionAndTheColumnItBinds() {
        String printed = inspect(model);
        assertThat(printed).contains("seq (InputLayer)").contains("(None, None, 2)")
                .contains("input seq: float32 (None, None, 2), reads a sequence of varying length: numeric columns"
                        + " of arrays holding T steps of 2 values flattened (or one inner array per step), T open at"
                        + " axis 1 of (None, None, 2); binds array column 'seq' unless mapped")
                .contains("Path tf: can run this model").contains("Path jvm: can run this model");

        RandomNet net = new RandomNet("flat_open", 1);
        Path flat = dir.resolve("flat_open.keras");
        KerasArchiveWriter.write(net.build(net.chain(net.input("x", -1, 3), net.layers().flatten(),
                net.layers().dense(6, 1, "linear"))), flat);
        assertThat(inspect(flat)).contains("Path tf: cannot run this model").contains("Path jvm: cannot run this model");
        JobOptions options = JobOptions.builder().setModel(flat.toString()).setInput(data)
                .setBindings(List.of(InputBinding.array(InputBinding.SINGLE_INPUT, "seq")))
                .optOutput(dir.resolve("flat-out").toString()).optBatchSize(Optional.of(4))
                .optPath(Optional.of(PredictionPath.JVM)).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ScoringJob(spark, options).run())
                .isInstanceOf(io.sparkscore.model.ModelException.class).hasMessageContaining("layer 'dense' (Dense)")
                .hasMessageContaining("last axis follows the input sequence length");
        assertThat(java.nio.file.Files.exists(dir.resolve("flat-out"))).isFalse();
    }

    @Test
    void aCapBeyondTheStepsTheTfPathUnrollsLeavesTheTfPathOut() {
        JobOptions options = JobOptions.builder().setModel(model.toString()).setInput(data)
                .setBindings(List.of(InputBinding.array(InputBinding.SINGLE_INPUT, "seq")))
                .optOutput(dir.resolve("long-tf").toString()).optBatchSize(Optional.of(4))
                .optPath(Optional.of(PredictionPath.TF)).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> withConf(Map.of(SequenceLengths.MAX_LENGTH_KEY,
                "1500"), () -> new ScoringJob(spark, options).run()))
                .isInstanceOf(io.sparkscore.model.ModelException.class)
                .hasMessageContaining("rows of 1500 steps (spark.sparkscore.maxSequenceLength) cannot run on it")
                .hasMessageContaining("longer than the 1000 steps the tf path");
    }

    /**
     * Token indices of varying length ({@code Input(shape=(None,))}, an {@code array<int>} column bound by name) into
     * an Embedding with {@code mask_zero}, then an LSTM: each row equals the same model built for that row's length
     * and scored alone on the jvm path (zeros masked as Keras masks them).
     */
    @ParameterizedTest(name = "{0} path, {1} rows")
    @CsvSource({"jvm, auto", "tf, internal", "tf, external"})
    void tokenSequencesIntoAMaskedEmbeddingScoreAsEachRowAlone(String path, String rowFormat) {
        RandomNet net = new RandomNet("tokens", 4);
        String t = net.chain(net.input("tokens", -1), KerasLayers.withMaskZero(net.layers().embedding(8, 3), true),
                net.layers().lstm(3, 2, "tanh", "sigmoid", true, false, false));
        ModelSpec spec = net.build(net.call(net.layers().dense(2, 1, "sigmoid"), t));
        Path tokens = dir.resolve("tokens-" + path + "-" + rowFormat + ".keras");
        KerasArchiveWriter.write(spec, tokens);
        int[][] ids = {{3}, {1, 2}, {5, 0, 0}, {0, 7, 2, 4}, {6, 6}, {}, {2, 3, 1}};
        List<Row> rows = new java.util.ArrayList<>();
        for (int r = 0; r < ids.length; r++) {
            rows.add(RowFactory.create((long) r, Arrays.stream(ids[r]).boxed().toList()));
        }
        String table = dir.resolve("tokens-table-" + path + "-" + rowFormat).toString();
        spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
                .add("tokens", DataTypes.createArrayType(DataTypes.IntegerType))).write().parquet(table);
        String out = dir.resolve("tokens-scored-" + path + "-" + rowFormat).toString();
        JobOptions options = JobOptions.builder().setModel(tokens.toString()).setInput(table)
                .setBindings(List.of(InputBinding.byInputNames())).optKeep(List.of("id")).optOutput(out)
                .optBatchSize(Optional.of(4)).optPath(Optional.of(PredictionPath.parse(path))).build();
        ScoringJob.Result result = withConf(Map.of(RowFormat.KEY, rowFormat), () -> new ScoringJob(spark, options).run());

        assertThat(result.summary().rows().badByReason()).isEqualTo(Map.of("sequence_length", 1L));
        List<Row> scored = spark.read().parquet(out).collectAsList();
        assertThat(scored).hasSize(6);
        for (Row r : scored) {
            int[] row = ids[(int) r.getLong(0)];
            ModelSpec fixed = io.sparkscore.model.OpenDimensions.withLengths(spec, new int[] {row.length});
            float[] expected = new float[1];
            try (LoadedModel alone = io.sparkscore.runtime.jvm.JvmModel.load(fixed);
                 Predictor p = alone.newPredictor(1)) {
                float[] in = new float[row.length];
                for (int k = 0; k < row.length; k++) {
                    in[k] = row[k];
                }
                p.predict(new float[][] {in}, 1, new float[][] {expected});
            }
            assertThat(r.getFloat(1)).as("row %d", r.getLong(0)).isCloseTo(expected[0], within(1e-6f));
        }
    }

    private static String inspect(Path modelFile) {
        SparkScoreCliTest.Run inspected = SparkScoreCliTest.run("inspect", "--model", modelFile.toString());
        assertThat(inspected.code()).as(inspected.output()).isZero();
        return inspected.output();
    }

    static <T> T withConf(Map<String, String> conf, java.util.function.Supplier<T> run) {
        conf.forEach((k, v) -> spark.conf().set(k, v));
        try {
            return run.get();
        } finally {
            conf.keySet().forEach(k -> spark.conf().unset(k));
        }
    }
}
