package io.sparkscore.runtime;

import com.google.common.hash.Hashing;
import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.UnsupportedLayerException;
import io.sparkscore.model.categorical.InputEncodings;
import io.sparkscore.model.layers.CategoricalOutput;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static io.sparkscore.runtime.KerasPreprocessing.categoryEncoding;
import static io.sparkscore.runtime.KerasPreprocessing.discretization;
import static io.sparkscore.runtime.KerasPreprocessing.hashing;
import static io.sparkscore.runtime.KerasPreprocessing.integerLookup;
import static io.sparkscore.runtime.KerasPreprocessing.normalization;
import static io.sparkscore.runtime.KerasPreprocessing.stringLookup;
import static io.sparkscore.runtime.KerasPreprocessing.stringLookupTfIdf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The categorical preprocessing layers against hand-computed values, on each path: the model goes through the
 * {@code .keras} writer and reader, its rows through the shared input encoder (as the job encodes them), then through
 * the path's predictor. Every output_mode, OOV and mask rule, and Hashing's published values are covered.
 */
class CategoricalLayersTest {

    private static final List<String> COLOURS = List.of("red", "green", "blue");

    @TempDir
    Path tmp;

    /** One input of the given dtype and shape read by {@code layer}, the model's output. */
    private ModelSpec model(String name, String dtype, int[] shape, LayerSpec layer) {
        RandomNet net = new RandomNet(name, 1);
        String x = net.input("x", dtype, shape);
        return RandomModelParity.roundTrip(tmp, net.build(net.call(layer, x)), name, true);
    }

    /** Predicts rows of raw values (String, Long or Number), encoded as the job encodes them. */
    private static float[][] predict(ModelSpec spec, PredictionPath path, Object[][] rows) {
        InputEncodings.Encoding e = InputEncodings.of(spec).get(0);
        int size = Math.toIntExact(spec.inputs().get(0).size());
        float[] in = new float[rows.length * size];
        for (int r = 0; r < rows.length; r++) {
            for (int k = 0; k < size; k++) {
                Object v = rows[r][k];
                in[r * size + k] = e.encoder() == null ? ((Number) v).floatValue()
                        : v instanceof String s ? e.encoder().encode(s) : e.encoder().encode((Long) v);
            }
        }
        try (LoadedModel m = PredictionPaths.load(spec, path, RuntimeOptions.singleThreaded())) {
            float[][] out = ParityRuns.predict(m, new ParityRuns.Batch(rows.length, new float[][] {in}), 4);
            int outSize = m.signature().outputSize(0);
            float[][] r = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                r[i] = java.util.Arrays.copyOfRange(out[0], i * outSize, (i + 1) * outSize);
            }
            return r;
        }
    }

    private static Object[][] rows(Object... scalars) {
        Object[][] r = new Object[scalars.length][];
        for (int i = 0; i < r.length; i++) {
            r[i] = new Object[] {scalars[i]};
        }
        return r;
    }

    private static float[][] column(float... v) {
        float[][] r = new float[v.length][];
        for (int i = 0; i < v.length; i++) {
            r[i] = new float[] {v[i]};
        }
        return r;
    }

    private static long farmhash(String s, int buckets) {
        return Long.remainderUnsigned(Hashing.farmHashFingerprint64().hashString(s, StandardCharsets.UTF_8).asLong(),
                buckets);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void stringLookupIntModeKeepsCaseAndSpacesAndSendsUnseenValuesToTheOovIndex(PredictionPath path) {
        ModelSpec m = model("sl_int", "string", new int[] {1}, stringLookup("string_lookup", COLOURS, 1, null, "int"));
        assertThat(predict(m, path, rows("red", "green", "blue", "Red", " red", "mauve", "")))
                .isEqualTo(column(1, 2, 3, 0, 0, 0, 0));
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void maskTokenIsZeroInIntModeAndOovIndicesFollowIt(PredictionPath path) {
        ModelSpec m = model("sl_mask", "string", new int[] {1}, stringLookup("string_lookup", COLOURS, 1, "", "int"));
        assertThat(predict(m, path, rows("", "mauve", "red", "blue"))).isEqualTo(column(0, 1, 2, 4));
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void severalOovIndicesHashUnseenStringsWithFingerprint64(PredictionPath path) {
        ModelSpec m = model("sl_oov", "string", new int[] {1}, stringLookup("string_lookup", COLOURS, 2, null, "int"));
        assertThat(predict(m, path, rows("red", "blue", "mauve", "teal", "Blue"))).isEqualTo(column(2, 4,
                farmhash("mauve", 2), farmhash("teal", 2), farmhash("Blue", 2)));
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void oneHotOfAScalarColumnReplacesTheLastAxisAndDropsTheMaskToken(PredictionPath path) {
        // mask outside int mode: no index of its own, the OOV index is 0 and the token contributes nothing
        ModelSpec m = model("sl_onehot", "string", new int[] {1},
                stringLookup("string_lookup", COLOURS, 1, "", "one_hot"));
        assertThat(predict(m, path, rows("green", "mauve", ""))).isEqualTo(new float[][] {
                {0, 0, 1, 0}, {1, 0, 0, 0}, {0, 0, 0, 0}});
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void oneHotOfSeveralValuesAppendsAnAxis(PredictionPath path) {
        ModelSpec m = model("sl_onehot3", "string", new int[] {3},
                stringLookup("string_lookup", COLOURS, 1, null, "one_hot"));
        assertThat(predict(m, path, new Object[][] {{"red", "red", "x"}})).isEqualTo(new float[][] {
                {0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0}});
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void multiHotCountAndTfIdfEncodeEachSample(PredictionPath path) {
        Object[][] sample = {{"red", "red", "mauve"}, {"blue", "green", "blue"}};
        assertThat(predict(model("sl_multi", "string", new int[] {3},
                stringLookup("string_lookup", COLOURS, 1, null, "multi_hot")), path, sample))
                .isEqualTo(new float[][] {{1, 1, 0, 0}, {0, 0, 1, 1}});
        assertThat(predict(model("sl_count", "string", new int[] {3},
                stringLookup("string_lookup", COLOURS, 1, null, "count")), path, sample))
                .isEqualTo(new float[][] {{1, 2, 0, 0}, {0, 0, 1, 2}});
        // idf given for the 3 tokens: Keras pads the OOV index's weight with their mean, 1.5
        assertThat(predict(model("sl_tfidf", "string", new int[] {3},
                stringLookupTfIdf("string_lookup", COLOURS, List.of(0.5, 1.5, 2.5))), path, sample))
                .isEqualTo(new float[][] {{1.5f, 1.0f, 0, 0}, {0, 0, 1.5f, 5.0f}});
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void integerLookupWithMaskAndFloormodOovBuckets(PredictionPath path) {
        ModelSpec m = model("il", "int64", new int[] {1}, integerLookup("integer_lookup", List.of(10L, 20L, 30L), 3,
                0L, "int"));
        // mask 0 -> 0; OOV indices 1..3 (1 + floormod(v, 3)); tokens from 4
        assertThat(predict(m, path, rows(0L, 10L, 20L, 30L, 7L, -7L, 9L)))
                .isEqualTo(column(0, 4, 5, 6, 2, 3, 1));
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void hashingMatchesKerasDocumentedBins(PredictionPath path) {
        Object[][] letters = rows("A", "B", "C", "D", "E");
        assertThat(predict(model("h", "string", new int[] {1}, hashing("hashing", 3, null, null, "int")), path,
                letters)).isEqualTo(column(1, 0, 1, 1, 2));
        assertThat(predict(model("h_salt", "string", new int[] {1}, hashing("hashing", 3, null, List.of(133, 137),
                "int")), path, letters)).isEqualTo(column(1, 2, 1, 0, 2));
        assertThat(predict(model("h_salt1", "string", new int[] {1}, hashing("hashing", 3, null, 133, "int")), path,
                letters)).isEqualTo(column(0, 0, 2, 1, 0));
        assertThat(predict(model("h_mask", "string", new int[] {1}, hashing("hashing", 3, "", null, "int")), path,
                rows("A", "B", "", "C", "D"))).isEqualTo(column(1, 1, 0, 2, 2));
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void hashingIntegersHashesTheirDecimalStringsAndEncodesOneHot(PredictionPath path) {
        ModelSpec m = model("h_int", "int64", new int[] {1}, hashing("hashing", 4, null, null, "one_hot"));
        float[][] out = predict(m, path, rows(42L, -5L));
        float[][] expected = new float[2][4];
        expected[0][(int) farmhash("42", 4)] = 1;
        expected[1][(int) farmhash("-5", 4)] = 1;
        assertThat(out).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void discretizationCountsTheBoundariesAtOrBelowEachValue(PredictionPath path) {
        ModelSpec m = model("d", "float32", new int[] {1}, discretization("discretization", List.of(0.0, 1.0, 2.5),
                "int"));
        assertThat(predict(m, path, rows(-1.0, 0.0, 0.5, 1.0, 2.4, 2.5, 100.0)))
                .isEqualTo(column(0, 1, 1, 2, 2, 3, 3));
        ModelSpec counts = model("d_count", "float32", new int[] {3}, discretization("discretization",
                List.of(0.0, 1.0), "count"));
        assertThat(predict(counts, path, new Object[][] {{-3.0, 0.5, 0.7}})).isEqualTo(new float[][] {{1, 2, 0}});
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void categoryEncodingModesAndOutOfRangeValues(PredictionPath path) {
        Object[][] ids = {{1.0, 1.0, 3.0}, {0.0, 5.0, 2.0}};
        assertThat(predict(model("ce_multi", "int32", new int[] {3}, categoryEncoding("category_encoding", 4,
                "multi_hot")), path, ids)).isEqualTo(new float[][] {{0, 1, 0, 1}, {1, 0, 1, 0}});
        assertThat(predict(model("ce_count", "int32", new int[] {3}, categoryEncoding("category_encoding", 4,
                "count")), path, ids)).isEqualTo(new float[][] {{0, 2, 0, 1}, {1, 0, 1, 0}});
        assertThat(predict(model("ce_onehot", "int32", new int[] {1}, categoryEncoding("category_encoding", 4,
                "one_hot")), path, rows(2.0, 7.0))).isEqualTo(new float[][] {{0, 0, 1, 0}, {0, 0, 0, 0}});
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void normalizationSubtractsTheMeanAndDividesByTheFloorOfTheStandardDeviation(PredictionPath path) {
        ModelSpec m = model("n", "float32", new int[] {2}, normalization("normalization", new float[] {1, 2},
                new float[] {4, 0}));
        assertThat(predict(m, path, new Object[][] {{3.0, 2.0}, {0.0, 2.5}})).isEqualTo(new float[][] {
                {1, 0}, {-0.5f, (float) (0.5 / (float) 1e-7)}});
    }

    @Test
    void hashedCrossingOnTheJvmPathEqualsTensorFlowsOwnSparseCrossKernel() {
        RandomNet net = new RandomNet("cross", 1);
        String a = net.input("a", "int64", 1);
        String b = net.input("b", "int64", 1);
        ModelSpec intMode = RandomModelParity.roundTrip(tmp, net.build(net.call(
                KerasPreprocessing.hashedCrossing("hashed_crossing", 7, "int"), a, b)), "cross", true);
        RandomNet net2 = new RandomNet("cross_hot", 1);
        ModelSpec oneHot = RandomModelParity.roundTrip(tmp, net2.build(net2.call(
                KerasPreprocessing.hashedCrossing("hashed_crossing", 7, "one_hot"), net2.input("a", "int64", 1),
                net2.input("b", "int64", 1))), "cross_hot", true);
        java.util.Random random = new java.util.Random(5);
        int rows = 64;
        float[][] in = {new float[rows], new float[rows]};
        for (int r = 0; r < rows; r++) {
            in[0][r] = random.nextInt(2000) - 1000;
            in[1][r] = random.nextInt(50);
        }
        for (ModelSpec m : List.of(intMode, oneHot)) {
            try (LoadedModel jvm = PredictionPaths.load(m, PredictionPath.JVM, RuntimeOptions.singleThreaded());
                 LoadedModel tf = PredictionPaths.load(m, PredictionPath.TF, RuntimeOptions.singleThreaded())) {
                ParityRuns.Batch batch = new ParityRuns.Batch(rows, in);
                float[][] fromTf = ParityRuns.predict(tf, batch, 16);
                assertThat(ParityRuns.predict(jvm, batch, 16)).isEqualTo(fromTf);
                if (m == intMode) {
                    // the bins spread: a constant or an off-by-key hash would not
                    assertThat(java.util.Arrays.stream(toDoubles(fromTf[0])).distinct().count()).isEqualTo(7);
                }
            }
        }
    }

    private static double[] toDoubles(float[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i];
        }
        return r;
    }

    @Test
    void tfIdfWeightsComeFromTheFileOrArePaddedFromTheConfigAsKerasPadsThem() {
        LayerSpec stored = stringLookupTfIdf("string_lookup", COLOURS, List.of(0.5, 1.5, 2.5));
        LayerSpec configOnly = new LayerSpec(stored.name(), stored.className(), stored.config(), java.util.Map.of());
        float[] keras = {1.5f, 0.5f, 1.5f, 2.5f};
        assertThat(CategoricalOutput.of(stored).idfWeights()).containsExactly(keras);
        assertThat(CategoricalOutput.of(configOnly).idfWeights()).containsExactly(keras);
        // a vocabulary that starts with the OOV token brings its own weight: no padding
        LayerSpec withSpecials = new LayerSpec("string_lookup", "StringLookup", configOnly.config()
                .with("vocabulary", List.of("[UNK]", "red", "green", "blue"))
                .with("idf_weights", List.of(9.0, 0.5, 1.5, 2.5)), java.util.Map.of());
        assertThat(CategoricalOutput.of(withSpecials).idfWeights()).containsExactly(9f, 0.5f, 1.5f, 2.5f);
    }

    @Test
    void aStringInputMustBeReadByALookupAndALookupMustReadAnInput() {
        RandomNet net = new RandomNet("bad", 1);
        String x = net.input("x", "string", 1);
        ModelSpec direct = net.build(net.call(net.layers().dense(1, 2, "linear"), x));
        assertThatThrownBy(() -> InputEncodings.of(direct)).isInstanceOf(ModelException.class)
                .hasMessageContaining("model input 'x' has dtype string but is read by 'dense' (Dense)");

        RandomNet net2 = new RandomNet("bad2", 1);
        String y = net2.input("y", 1);
        String d = net2.call(net2.layers().dense(1, 1, "linear"), y);
        ModelSpec inner = net2.build(net2.call(hashing("hashing", 3, null, null, "int"), d));
        assertThatThrownBy(() -> InputEncodings.of(inner)).isInstanceOf(UnsupportedLayerException.class)
                .hasMessageContaining("reads 'dense', the output of another layer");
    }

    @Test
    void lookupsRefuseWhatTheyCannotReproduce() {
        LayerSpec noOov = stringLookup("string_lookup", COLOURS, 0, "", "int");
        // no OOV index: tokens from 1 (after the mask), and only the vocabulary and the mask are taken
        assertThat(InputEncodings.of(spec(noOov)).get(0).encoder().closed()).containsExactly("red", "green", "blue",
                "");
        assertThat(InputEncodings.of(spec(noOov)).get(0).encoder().encode("red")).isEqualTo(1f);
        assertThat(InputEncodings.of(spec(stringLookup("string_lookup", COLOURS, 1, null, "int"))).get(0).encoder()
                .closed()).isNull();
        LayerSpec repeated = stringLookup("string_lookup", List.of("a", "b", "a"), 1, null, "int");
        assertThatThrownBy(() -> InputEncodings.of(spec(repeated))).hasMessageContaining("repeated vocabulary token a");
        LayerSpec file = new LayerSpec("string_lookup", "StringLookup", noOov.config()
                .with("vocabulary", "/data/vocab.txt"), java.util.Map.of());
        assertThatThrownBy(() -> InputEncodings.of(spec(file))).hasMessageContaining("a file path outside the model");
    }

    private static ModelSpec spec(LayerSpec lookup) {
        return new ModelSpec("m", "programmatic", "3.6.0", List.of(new InputSpec("x", new int[] {1}, "string")),
                List.of(lookup), List.of(new io.sparkscore.model.NodeSpec(lookup.name(), lookup.name(), List.of("x"))),
                List.of(lookup.name()));
    }
}
