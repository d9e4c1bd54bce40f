package io.sparkscore.runtime;

import io.sparkscore.job.JobOptions;
import io.sparkscore.job.LocalSpark;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.ml.InputBinding;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.keras.KerasArchiveWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Keras masks from Embedding(mask_zero=True) into the attention layers, on each path: masked value positions get weight 0, so the unmasked positions' outputs equal those of the same layer on the
 * sequence without the masked tail; Attention zeroes masked query positions; MultiHeadAttention's masked query
 * positions attend uniformly to every position (their row of the attention mask is all false), so they all get the
 * same output; and the query's mask passes on to the next layer (a GlobalAveragePooling1D averages the unmasked
 * steps only).
 */
class AttentionMaskTest {

    private static final int VOCABULARY = 7;
    private static final int LENGTH = 6;
    private static final int KEPT = 4;
    private static final int ROWS = 5;

    /** Ids in 1..6 for the first {@link #KEPT} steps, 0 (masked) after, for a model of {@code length} steps. */
    private static float[] ids(int length) {
        Random r = new Random(11);
        float[] x = new float[ROWS * length];
        for (int row = 0; row < ROWS; row++) {
            for (int t = 0; t < KEPT; t++) {
                x[row * length + t] = 1 + r.nextInt(VOCABULARY - 1);
            }
        }
        return x;
    }

    /** The same seeded layers on {@code length} steps: Embedding(mask_zero) then the attention built by {@code head}. */
    private static float[] predict(PredictionPath path, int length, BiFunction<RandomNet, String, String> head) {
        RandomNet n = new RandomNet("masked_" + length, 5);
        String in = n.input("ids", length);
        LayerSpec embedding = KerasLayers.withMaskZero(n.layers().embedding(VOCABULARY, 4), true);
        ModelSpec spec = n.build(head.apply(n, n.call(embedding, in)));
        try (LoadedModel m = PredictionPaths.load(spec, path, RuntimeOptions.singleThreaded())) {
            return ParityRuns.predict(m, new ParityRuns.Batch(ROWS, new float[][] {ids(length)}), ROWS)[0];
        }
    }

    private static float[] step(float[] out, int row, int t, int length, int features) {
        int from = (row * length + t) * features;
        return Arrays.copyOfRange(out, from, from + features);
    }

    private static void assertClose(float[] actual, float[] expected, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("%s, value %s", what, i).isCloseTo(expected[i], within(1e-5f));
        }
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void multiHeadAttentionIgnoresMaskedPositionsAndAttendsUniformlyFromThem(PredictionPath path) {
        BiFunction<RandomNet, String, String> mha = (n, x) -> n.call(n.layers().multiHeadAttention(2, 3, null, 4, 4, 4,
                null, null, true), x, x);
        float[] full = predict(path, LENGTH, mha);
        float[] kept = predict(path, KEPT, mha);
        for (int row = 0; row < ROWS; row++) {
            for (int t = 0; t < KEPT; t++) {
                assertClose(step(full, row, t, LENGTH, 4), step(kept, row, t, KEPT, 4), "row " + row + " step " + t);
            }
            assertClose(step(full, row, LENGTH - 1, LENGTH, 4), step(full, row, KEPT, LENGTH, 4),
                    "masked steps of row " + row);
        }
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void attentionZeroesMaskedQueriesAndIgnoresMaskedValues(PredictionPath path) {
        BiFunction<RandomNet, String, String> att = (n, x) -> n.call(n.layers().attention(false, "dot"), x, x);
        float[] full = predict(path, LENGTH, att);
        float[] kept = predict(path, KEPT, att);
        for (int row = 0; row < ROWS; row++) {
            for (int t = 0; t < KEPT; t++) {
                assertClose(step(full, row, t, LENGTH, 4), step(kept, row, t, KEPT, 4), "row " + row + " step " + t);
            }
            assertClose(step(full, row, KEPT, LENGTH, 4), new float[4], "masked query of row " + row);
        }
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void theJobScoresMaskedAttentionOnEachPath(PredictionPath path, @TempDir Path dir) {
        RandomNet n = new RandomNet("masked_job", 5);
        String in = n.input("ids", LENGTH);
        LayerSpec embedding = KerasLayers.withMaskZero(n.layers().embedding(VOCABULARY, 4), true);
        String x = n.call(embedding, in);
        ModelSpec spec = n.build(n.call(n.layers().globalPooling("Average", 1, false),
                n.call(n.layers().multiHeadAttention(2, 3, null, 4, 4, 4, null, null, true), x, x)));
        Path model = dir.resolve("masked.keras");
        KerasArchiveWriter.write(spec, model);
        SparkSession spark = LocalSpark.get();
        float[] ids = ids(LENGTH);
        List<Row> rows = new ArrayList<>();
        for (int row = 0; row < ROWS; row++) {
            rows.add(RowFactory.create((long) row, Arrays.copyOfRange(ids, row * LENGTH, (row + 1) * LENGTH)));
        }
        String input = dir.resolve("ids.parquet").toString();
        spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
                .add("ids", DataTypes.createArrayType(DataTypes.FloatType))).write().parquet(input);

        String out = dir.resolve("scored").toString();
        ScoringJob.Result result = new ScoringJob(spark, job(model, input, out).optPath(Optional.of(path)).build())
                .run();
        assertThat(result.summary().plan().path()).isEqualTo(path.id());
        float[] kept = predict(path, KEPT, (net, e) -> net.call(net.layers().globalPooling("Average", 1, false),
                net.call(net.layers().multiHeadAttention(2, 3, null, 4, 4, 4, null, null, true), e, e)));
        for (Row r : spark.read().parquet(out).collectAsList()) {
            int row = (int) r.getLong(0);
            List<Float> p = r.getList(1);
            float[] scored = new float[p.size()];
            for (int k = 0; k < scored.length; k++) {
                scored[k] = p.get(k);
            }
            assertClose(scored, Arrays.copyOfRange(kept, row * 4, row * 4 + 4), "row " + row);
        }
    }

    private static JobOptions.Builder job(Path model, String input, String output) {
        return JobOptions.builder().setModel(model.toString()).setInput(input)
                .setBindings(List.of(InputBinding.array("ids", "ids"))).optKeep(List.of("id")).optOutput(output)
                .optBatchSize(Optional.of(4));
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void theQueryMaskPassesOnToTheNextLayer(PredictionPath path) {
        BiFunction<RandomNet, String, String> pooled = (n, x) -> n.call(n.layers().globalPooling("Average", 1, false),
                n.call(n.layers().multiHeadAttention(2, 3, null, 4, 4, 4, null, null, true), x, x));
        assertClose(predict(path, LENGTH, pooled), predict(path, KEPT, pooled), "pooled unmasked steps");
    }
}
