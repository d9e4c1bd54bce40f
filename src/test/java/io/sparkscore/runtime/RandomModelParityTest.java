package io.sparkscore.runtime;

import io.sparkscore.model.Activation;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.Shapes;
import io.sparkscore.model.keras.KerasArchiveWriter;
import io.sparkscore.model.keras.KerasModelReader;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.sparkscore.runtime.KerasLayers.ints;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random models of every layer both paths support, and small graphs combining them, go through the whole
 * route a user's model takes: the spec is written as a Keras 3 {@code .keras} archive, read back (the same graph,
 * weights and computing config must come back), loaded on the jvm and the tf path, and fed seeded random rows. The
 * paths must agree to {@value #TOLERANCE} relative ({@code |tf - jvm| <= 1e-5 * max(1, |jvm|)}), in one batch and in
 * batches of {@value #SMALL_BATCH}. What only the tf path runs (channels_first layers, Keras masks) is checked against
 * the jvm path on the model Keras defines it to be equivalent to.
 *
 * <p>This is a cross-check: a mistake both paths share goes unseen here; the per-layer hand-computed tests and the
 * Keras fixtures cover that.
 */
class RandomModelParityTest {

    private static final double TOLERANCE = KerasFixturesParityTest.PATH_TOLERANCE;
    private static final int ROWS = 5;
    private static final int SMALL_BATCH = 2;
    private static final Configuration CONF = new Configuration();
    private static final Map<String, Double> REACHED = new TreeMap<>();

    @TempDir
    Path tmp;

    /**
     * A named model recipe; {@code inputScale} widens the random inputs beyond [-1, 1). With {@code exactConfig} the
     * reader must return every config key that changes what a layer computes unchanged; recipes with keys missing let
     * it fill in what it documents.
     */
    record Case(String name, double inputScale, boolean exactConfig, Function<RandomNet, ModelSpec> recipe) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case model(String name, Function<RandomNet, ModelSpec> recipe) {
        return new Case(name, 1, true, recipe);
    }

    /** A recipe whose layers lack config keys: the reader may add what it documents (e.g. GRU reset_after). */
    private static Case minimal(String name, double inputScale, Function<RandomNet, ModelSpec> recipe) {
        return new Case(name, inputScale, false, recipe);
    }

    private static Case scaled(String name, double inputScale, Function<RandomNet, ModelSpec> recipe) {
        return new Case(name, inputScale, true, recipe);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"activations", "coreLayers", "convolutions", "pooling", "paddingAndResizing", "normalization",
            "recurrent", "recurrentActivations", "wrappers", "merges", "activationLayers", "stacks",
            "realisticSizes", "kerasDefaults"})
    void bothPathsAgreeAfterAKerasRoundTrip(Case c) {
        ModelSpec read = roundTrip(c.recipe().apply(net(c.name())), c.name(), c.exactConfig());
        try (LoadedModel jvm = PredictionPaths.load(read, PredictionPath.JVM, RuntimeOptions.singleThreaded());
             LoadedModel tf = PredictionPaths.load(read, PredictionPath.TF, RuntimeOptions.singleThreaded())) {
            assertAgree(c.name(), read, jvm, tf, c.inputScale());
        }
    }

    /**
     * The jvm path has no channels_first layers, so the tf path's are checked against what Keras defines them as: the
     * channels_last layer between transposes. The tf path runs the channels_first model, the jvm path the
     * channels_last one with the input moved to channels-last and the output moved back.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("channelsFirstLayers")
    void channelsFirstOnTfMatchesChannelsLastBetweenTransposesOnJvm(ChannelsFirstCase c) {
        RandomNet first = net(c.name());
        RandomNet last = net(c.name());
        var layer = c.layer().apply(first.layers());
        String x = first.input("x", c.inputShape());
        ModelSpec channelsFirst = roundTrip(first.build(first.call(KerasLayers.withDataFormat(layer,
                "channels_first"), x)), c.name(), true);
        int rank = c.inputShape().length;
        String y = last.input("x", c.inputShape());
        String moved = last.call(rank == 3 ? last.layers().permute(2, 3, 1) : last.layers().permute(2, 1), y);
        String out = last.call(layer, moved);
        if (c.moveBack()) {
            out = last.call(rank == 3 ? last.layers().permute(3, 1, 2) : last.layers().permute(2, 1), out);
        }
        ModelSpec channelsLast = roundTrip(last.build(out), c.name(), true);
        try (LoadedModel jvm = PredictionPaths.load(channelsLast, PredictionPath.JVM, RuntimeOptions.singleThreaded());
             LoadedModel tf = PredictionPaths.load(channelsFirst, PredictionPath.TF, RuntimeOptions.singleThreaded())) {
            assertThat(tf.signature().outputShapes().get(0)).as("output shape")
                    .isEqualTo(jvm.signature().outputShapes().get(0));
            assertAgree(c.name(), channelsFirst, jvm, tf, 1);
        }
    }

    /**
     * The jvm path has no Keras masks, so the tf path's are checked against what Keras defines them as: an RNN skips
     * every masked step, carrying its state over it, so on each row the masked model returns what the plain model
     * returns on the row without the masked steps. Each row masks a different set of steps (none, leading, trailing,
     * scattered).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("maskedRecurrentLayers")
    void tfSkipsMaskedStepsLikeJvmOnTheRowsWithoutThem(MaskCase c) {
        int steps = 7;
        int features = 3;
        RandomNet masked = net(c.name());
        KerasLayers l = masked.layers();
        LayerSpec embedding = l.embedding(9, features);
        LayerSpec masking = l.masking(0.0);
        LayerSpec[] after = c.layers().apply(l).toArray(new LayerSpec[0]);
        String x = c.embedding() ? masked.input("x", steps) : masked.input("x", steps, features);
        String maskedOut = masked.chain(masked.call(c.embedding() ? KerasLayers.withMaskZero(embedding, true)
                : masking, x), after);
        ModelSpec maskedModel = roundTrip(masked.build(maskedOut), c.name(), true);
        boolean[][] masks = {new boolean[steps], {true, true, false, false, false, false, false},
                {false, false, false, false, true, true, true}, {false, true, false, true, false, false, true},
                {true, false, false, false, false, false, true}};
        int rowSize = c.embedding() ? steps : steps * features;
        int stepSize = c.embedding() ? 1 : features;
        Random random = new Random(c.name().hashCode());
        float[] rows = new float[masks.length * rowSize];
        for (int r = 0; r < masks.length; r++) {
            for (int t = 0; t < steps; t++) {
                for (int f = 0; f < stepSize; f++) {
                    rows[r * rowSize + t * stepSize + f] = masks[r][t] ? 0
                            : c.embedding() ? 1 + random.nextInt(8) : (float) (random.nextDouble() * 2 - 1);
                }
            }
        }
        try (LoadedModel tf = PredictionPaths.load(maskedModel, PredictionPath.TF, RuntimeOptions.singleThreaded())) {
            for (int batch : new int[] {masks.length, SMALL_BATCH}) {
                float[] out = ParityRuns.predict(tf, new ParityRuns.Batch(masks.length, new float[][] {rows}),
                        batch)[0];
                int outSize = tf.signature().outputSize(0);
                for (int r = 0; r < masks.length; r++) {
                    int kept = 0;
                    float[] row = new float[rowSize];
                    for (int t = 0; t < steps; t++) {
                        if (!masks[r][t]) {
                            System.arraycopy(rows, r * rowSize + t * stepSize, row, kept * stepSize, stepSize);
                            kept++;
                        }
                    }
                    RandomNet plain = net(c.name());
                    String y = c.embedding() ? plain.input("x", kept) : plain.input("x", kept, features);
                    String plainOut = plain.chain(c.embedding() ? plain.call(embedding, y) : y, after);
                    float[] expected;
                    try (LoadedModel jvm = PredictionPaths.load(plain.build(plainOut), PredictionPath.JVM,
                            RuntimeOptions.singleThreaded())) {
                        expected = ParityRuns.predict(jvm, new ParityRuns.Batch(1, new float[][] {
                                Arrays.copyOf(row, kept * stepSize)}), 1)[0];
                    }
                    float[][] actual = {Arrays.copyOfRange(out, r * outSize, (r + 1) * outSize)};
                    double rel = ParityRuns.maxRelativeError(actual, new float[][] {expected});
                    record(c.name(), rel);
                    assertThat(rel).as("%s, row %d (%d of %d steps masked), batches of %d: tf vs the jvm path on the"
                                    + " unmasked steps (%s)", c.name(), r, steps - kept, steps, batch,
                            ParityRuns.worstDifference(actual, new float[][] {expected}, maskedModel.outputs()))
                            .isLessThanOrEqualTo(TOLERANCE);
                }
            }
        }
    }

    /**
     * Layers ending in one that consumes the mask (an RNN returning its last output, or GlobalAveragePooling1D),
     * behind Masking or Embedding(mask_zero=True).
     */
    record MaskCase(String name, boolean embedding, Function<KerasLayers, List<LayerSpec>> layers) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> maskedRecurrentLayers() {
        return Stream.of(
                new MaskCase("Masking, LSTM", false,
                        l -> List.of(l.lstm(3, 4, "tanh", "sigmoid", true, false, false))),
                new MaskCase("Masking, GRU reset_after=true", false,
                        l -> List.of(l.gru(3, 4, "tanh", "sigmoid", true, false, false))),
                new MaskCase("Masking, GRU reset_after=false go_backwards", false,
                        l -> List.of(l.gru(3, 4, "tanh", "hard_sigmoid", false, false, true))),
                new MaskCase("Masking, SimpleRNN", false, l -> List.of(l.simpleRnn(3, 4, "tanh", false, false))),
                new MaskCase("Masking, Bidirectional(LSTM) concat", false, l -> List.of(l.bidirectional("concat",
                        l.lstm(3, 3, "tanh", "sigmoid", true, false, false),
                        l.lstm(3, 3, "tanh", "sigmoid", true, false, true)))),
                new MaskCase("Masking, Bidirectional(GRU) sum", false, l -> List.of(l.bidirectional("sum",
                        l.gru(3, 3, "tanh", "sigmoid", true, false, false),
                        l.gru(3, 3, "tanh", "sigmoid", true, false, true)))),
                new MaskCase("Masking, TimeDistributed(Dense), LSTM (the mask passes through)", false,
                        l -> List.of(l.timeDistributed(l.dense(3, 4, "relu")),
                                l.lstm(4, 3, "tanh", "sigmoid", true, false, false))),
                new MaskCase("Masking, GlobalAveragePooling1D (averages the unmasked steps)", false,
                        l -> List.of(l.globalPooling("Average", 1, false))),
                new MaskCase("Embedding(mask_zero=True), LSTM", true,
                        l -> List.of(l.lstm(3, 4, "tanh", "sigmoid", true, false, false))),
                new MaskCase("Embedding(mask_zero=True), Bidirectional(SimpleRNN) ave", true,
                        l -> List.of(l.bidirectional("ave", l.simpleRnn(3, 2, "tanh", false, false),
                                l.simpleRnn(3, 2, "tanh", false, true)))),
                new MaskCase("Embedding(mask_zero=True), GlobalAveragePooling1D", true,
                        l -> List.of(l.globalPooling("Average", 1, false)))).map(Arguments::of);
    }

    /**
     * Layers only the tf path runs, against the jvm path on a model Keras defines to compute the same: Rescaling is a
     * diagonal Dense, Identity is nothing, GroupNormalization is a parameter-free LayerNormalization over each group's
     * steps and channels followed by a diagonal Dense with gamma and beta.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tfOnlyLayers")
    void tfOnlyLayerMatchesItsEquivalentOnJvm(EquivalentCase c) {
        ModelSpec[] models = c.models().apply(c.name());
        ModelSpec tfModel = roundTrip(models[0], c.name(), true);
        ModelSpec jvmModel = roundTrip(models[1], c.name(), true);
        try (LoadedModel jvm = PredictionPaths.load(jvmModel, PredictionPath.JVM, RuntimeOptions.singleThreaded());
             LoadedModel tf = PredictionPaths.load(tfModel, PredictionPath.TF, RuntimeOptions.singleThreaded())) {
            assertAgree(c.name(), tfModel, jvm, tf, 4);
        }
    }

    /** Two models built from one seed: [0] runs on tf, [1] (its equivalent) on jvm. */
    record EquivalentCase(String name, Function<String, ModelSpec[]> models) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> tfOnlyLayers() {
        return Stream.of(
                new EquivalentCase("Rescaling(0.5, offset -1) on (4, 3)", name -> rescaling(name, 0.5f, -1f,
                        4, 3)),
                new EquivalentCase("Rescaling(1/255) on an image (3, 4, 2)", name -> rescaling(name, 1 / 255f, 0f,
                        3, 4, 2)),
                new EquivalentCase("Normalization (adapted) on (4, 3) is a diagonal Dense", name ->
                        normalization(name, false)),
                new EquivalentCase("Normalization (adapted, invert) on (4, 3) is a diagonal Dense", name ->
                        normalization(name, true)),
                new EquivalentCase("Identity then Dense", name -> {
                    RandomNet tf = net(name);
                    LayerSpec dense = tf.layers().dense(4, 3, "tanh");
                    String x = tf.input("x", 4);
                    ModelSpec a = tf.build(tf.call(dense, tf.call(tf.layers().identity(), x)));
                    RandomNet jvm = net(name);
                    return new ModelSpec[] {a, jvm.build(jvm.call(dense, jvm.input("x", 4)))};
                }),
                new EquivalentCase("GroupNormalization groups 2 on (5, 4)", name -> groupNorm(name, 2, 5, 4)),
                new EquivalentCase("GroupNormalization groups 1 on (5, 4)", name -> groupNorm(name, 1, 5, 4)),
                new EquivalentCase("GroupNormalization groups 4 on (3, 4)", name -> groupNorm(name, 4, 3, 4)),
                new EquivalentCase("GroupNormalization groups 3 on (2, 6)", name -> groupNorm(name, 3, 2, 6)),
                new EquivalentCase("Conv3D kernel (1, 2, 2) same is Conv2D per depth slice", name ->
                        perDepth(name, l -> l.conv(2, 3, new int[] {1, 2, 2}, new int[] {1, 1, 1}, "same",
                                new int[] {1, 1, 1}, 1, "relu", true), l -> null)),
                new EquivalentCase("MaxPooling3D (1, 2, 2) is MaxPooling2D per depth slice", name -> perDepth(name,
                        l -> l.pooling("Max", new int[] {1, 2, 2}, null, "valid"),
                        l -> l.pooling("Max", new int[] {2, 2}, null, "valid"))),
                new EquivalentCase("AveragePooling3D (1, 3, 2) same is AveragePooling2D per depth slice", name ->
                        perDepth(name, l -> l.pooling("Average", new int[] {1, 3, 2}, new int[] {1, 2, 2}, "same"),
                                l -> l.pooling("Average", new int[] {3, 2}, new int[] {2, 2}, "same"))),
                new EquivalentCase("UpSampling3D (1, 2, 3) is UpSampling2D per depth slice", name -> perDepth(name,
                        l -> l.upSampling3D(1, 2, 3), l -> l.upSampling2D(2, 3, "nearest"))),
                new EquivalentCase("ZeroPadding3D ((0, 0), (1, 0), (0, 2)) is ZeroPadding2D per depth slice", name ->
                        perDepth(name, l -> l.padOrCrop3D("ZeroPadding3D", 0, 0, 1, 0, 0, 2),
                                l -> l.zeroPadding2D(1, 0, 0, 2))),
                new EquivalentCase("Cropping3D ((0, 0), (1, 0), (0, 1)) is Cropping2D per depth slice", name ->
                        perDepth(name, l -> l.padOrCrop3D("Cropping3D", 0, 0, 1, 0, 0, 1),
                                l -> l.cropping2D(1, 0, 0, 1))),
                new EquivalentCase("Conv3D kernel (2, 3, 3) valid is the sum of two Conv2D over shifted slices",
                        RandomModelParityTest::conv3DAsShiftedConv2Ds),
                new EquivalentCase("GlobalAveragePooling3D is GlobalAveragePooling1D over all positions", name ->
                        global3D(name, "Average")),
                new EquivalentCase("GlobalMaxPooling3D is GlobalMaxPooling1D over all positions", name ->
                        global3D(name, "Max")),
                new EquivalentCase("Conv2DTranspose (3, 2) strides (2, 3) valid is its linear map as a Dense", name ->
                        transposedAsDense(name, new int[] {3, 4, 2}, new int[] {3, 2}, new int[] {2, 3})),
                new EquivalentCase("Conv2DTranspose (2, 2) strides (1, 1) valid is its linear map as a Dense", name ->
                        transposedAsDense(name, new int[] {3, 3, 2}, new int[] {2, 2}, new int[] {1, 1})),
                new EquivalentCase("Conv1DTranspose k3 stride 2 valid is its linear map as a Dense", name ->
                        transposedAsDense(name, new int[] {5, 2}, new int[] {3}, new int[] {2}))
        ).map(Arguments::of);
    }

    private static final int[] VOLUME = {3, 4, 5, 2};

    /**
     * A 3-D layer that leaves depth alone against TimeDistributed of its 2-D twin (null: the Conv2D slice of the
     * Conv3D kernel).
     */
    private static ModelSpec[] perDepth(String name, Function<KerasLayers, LayerSpec> layer3D,
                                        Function<KerasLayers, LayerSpec> layer2D) {
        RandomNet tf = net(name);
        LayerSpec three = layer3D.apply(tf.layers());
        ModelSpec a = tf.build(tf.call(three, tf.input("x", VOLUME)));
        RandomNet jvm = net(name);
        LayerSpec two = layer2D.apply(jvm.layers());
        if (two == null) {
            two = KerasLayers.conv2DSlice(three, 0, true, "conv2d");
        }
        String y = jvm.call(jvm.layers().timeDistributed(two), jvm.input("x", VOLUME));
        return new ModelSpec[] {a, jvm.build(y)};
    }

    /** Valid Conv3D with kernel depth 2: slice 0 on depths [0, D-1) plus slice 1 on depths [1, D), bias once. */
    private static ModelSpec[] conv3DAsShiftedConv2Ds(String name) {
        RandomNet tf = net(name);
        LayerSpec conv3d = tf.layers().conv(2, 3, new int[] {2, 3, 3}, new int[] {1, 1, 1}, "valid",
                new int[] {1, 1, 1}, 1, "linear", true);
        ModelSpec a = tf.build(tf.call(conv3d, tf.input("x", VOLUME)));
        RandomNet jvm = net(name);
        KerasLayers l = jvm.layers();
        int d = VOLUME[0];
        int plane = VOLUME[1] * VOLUME[2] * VOLUME[3];
        String steps = jvm.call(l.reshape(d, plane), jvm.input("x", VOLUME));
        String first = jvm.chain(steps, l.cropping1D(0, 1), l.reshape(d - 1, VOLUME[1], VOLUME[2], VOLUME[3]),
                l.timeDistributed(KerasLayers.conv2DSlice(conv3d, 0, true, "conv2d_front")));
        String second = jvm.chain(steps, l.cropping1D(1, 0), l.reshape(d - 1, VOLUME[1], VOLUME[2], VOLUME[3]),
                l.timeDistributed(KerasLayers.conv2DSlice(conv3d, 1, false, "conv2d_back")));
        return new ModelSpec[] {a, jvm.build(jvm.call(l.merge("Add"), first, second))};
    }

    /**
     * A valid transposed convolution scatters each input position: out[i * s + k] += in[i] * kernel[k] (no padding,
     * no flip), so it is a fixed linear map of the flattened input; the jvm path runs that map as one Dense layer.
     * The first case has a kernel narrower than its stride, where Keras' output is longer than (n - 1) * s + k.
     */
    private static ModelSpec[] transposedAsDense(String name, int[] inShape, int[] kernel, int[] strides) {
        int rank = kernel.length;
        int in = inShape[rank];
        int filters = 3;
        RandomNet tf = net(name);
        LayerSpec t = tf.layers().convTranspose(in, filters, kernel, strides, "valid", "linear");
        ModelSpec a = tf.build(tf.call(t, tf.input("x", inShape)));
        int[] outShape = new int[rank + 1];
        for (int d = 0; d < rank; d++) {
            // Keras' deconv_output_length without output_padding: a kernel shorter than the stride still leaves room
            // for a whole stride per input position (the tail gets the bias only)
            outShape[d] = inShape[d] * strides[d] + Math.max(kernel[d] - strides[d], 0);
        }
        outShape[rank] = filters;
        int inSize = Math.toIntExact(Shapes.size(inShape));
        int outSize = Math.toIntExact(Shapes.size(outShape));
        float[] map = new float[inSize * outSize];
        float[] k = t.weight("kernel").data();
        int positions = inSize / in;
        int taps = k.length / (filters * in);
        for (int p = 0; p < positions; p++) {
            for (int tap = 0; tap < taps; tap++) {
                int outPosition = 0;
                for (int d = 0, rem = p, remTap = tap; d < rank; d++) {
                    int inStride = 1;
                    int tapStride = 1;
                    for (int e = d + 1; e < rank; e++) {
                        inStride *= inShape[e];
                        tapStride *= kernel[e];
                    }
                    int i = rem / inStride;
                    int kk = remTap / tapStride;
                    rem %= inStride;
                    remTap %= tapStride;
                    outPosition = outPosition * outShape[d] + i * strides[d] + kk;
                }
                for (int c = 0; c < in; c++) {
                    for (int f = 0; f < filters; f++) {
                        map[(p * in + c) * outSize + outPosition * filters + f] += k[(tap * filters + f) * in + c];
                    }
                }
            }
        }
        float[] bias = new float[outSize];
        for (int o = 0; o < outSize; o++) {
            bias[o] = t.weight("bias").data()[o % filters];
        }
        RandomNet jvm = net(name);
        KerasLayers l = jvm.layers();
        String y = jvm.chain(jvm.input("x", inShape), l.flatten(), l.denseWith(map, bias), l.reshape(outShape));
        return new ModelSpec[] {a, jvm.build(y)};
    }

    private static ModelSpec[] global3D(String name, String kind) {
        RandomNet tf = net(name);
        ModelSpec a = tf.build(tf.call(tf.layers().globalPooling(kind, 3, false), tf.input("x", VOLUME)));
        RandomNet jvm = net(name);
        KerasLayers l = jvm.layers();
        String y = jvm.chain(jvm.input("x", VOLUME), l.reshape(VOLUME[0] * VOLUME[1] * VOLUME[2], VOLUME[3]),
                l.globalPooling(kind, 1, false));
        return new ModelSpec[] {a, jvm.build(y)};
    }

    /** (x - mean) / max(sqrt(variance), 1e-7), or x * sqrt(variance) + mean inverted, per channel. */
    private static ModelSpec[] normalization(String name, boolean invert) {
        RandomNet tf = net(name);
        LayerSpec norm = tf.layers().normalization(3, invert);
        ModelSpec a = tf.build(tf.call(norm, tf.input("x", 4, 3)));
        float[] mean = norm.weight("mean").data();
        float[] variance = norm.weight("variance").data();
        float[] diagonal = new float[3];
        float[] bias = new float[3];
        for (int i = 0; i < 3; i++) {
            double std = Math.max(Math.sqrt(variance[i]), 1e-7);
            diagonal[i] = (float) (invert ? std : 1 / std);
            bias[i] = (float) (invert ? mean[i] : -mean[i] / std);
        }
        RandomNet jvm = net(name);
        return new ModelSpec[] {a, jvm.build(jvm.call(jvm.layers().diagonalDense(diagonal, bias),
                jvm.input("x", 4, 3)))};
    }

    private static ModelSpec[] rescaling(String name, float scale, float offset, int... shape) {
        RandomNet tf = net(name);
        String x = tf.input("x", shape);
        ModelSpec a = tf.build(tf.call(tf.layers().rescaling(scale, offset), x));
        int channels = shape[shape.length - 1];
        float[] diagonal = new float[channels];
        float[] bias = new float[channels];
        Arrays.fill(diagonal, scale);
        Arrays.fill(bias, offset);
        RandomNet jvm = net(name);
        String y = jvm.input("x", shape);
        return new ModelSpec[] {a, jvm.build(jvm.call(jvm.layers().diagonalDense(diagonal, bias), y))};
    }

    /** (T, C) grouped as (T, G, C/G), moved to (G, T, C/G), normalised per group, moved back, then gamma and beta. */
    private static ModelSpec[] groupNorm(String name, int groups, int steps, int channels) {
        RandomNet tf = net(name);
        LayerSpec gn = tf.layers().groupNormalization(groups, channels);
        ModelSpec a = tf.build(tf.call(gn, tf.input("x", steps, channels)));
        RandomNet jvm = net(name);
        KerasLayers l = jvm.layers();
        String y = jvm.chain(jvm.input("x", steps, channels), l.reshape(steps, groups, channels / groups),
                l.permute(2, 1, 3), l.layerNormalization(ints(2, 3), new int[] {steps, channels / groups}, false,
                        false), l.permute(2, 1, 3), l.reshape(steps, channels),
                l.diagonalDense(gn.weight("gamma").data(), gn.weight("beta").data()));
        return new ModelSpec[] {a, jvm.build(y)};
    }

    private static RandomNet net(String caseName) {
        return new RandomNet(caseName.replaceAll("[^A-Za-z0-9]+", "_"), caseName.hashCode());
    }

    /**
     * Writes the spec as a .keras archive and reads it back: the same graph and weights must come back, and every
     * config value that changes what a layer computes (the reader drops training-only settings: initializers,
     * regularizers, constraints).
     */
    private ModelSpec roundTrip(ModelSpec spec, String caseName, boolean exactConfig) {
        Path file = tmp.resolve(spec.name() + ".keras");
        KerasArchiveWriter.write(spec, file);
        ModelSpec read = KerasModelReader.read(file.toString(), CONF);
        assertThat(read.nodes()).as("%s: graph read back", caseName).isEqualTo(spec.nodes());
        assertThat(read.outputs()).as("%s: outputs read back", caseName).isEqualTo(spec.outputs());
        for (LayerSpec l : spec.layers()) {
            assertSameLayer(caseName, l, read.layer(l.name()), exactConfig);
        }
        return read;
    }

    private static void assertSameLayer(String caseName, LayerSpec written, LayerSpec read, boolean exactConfig) {
        assertThat(read.className()).as("%s: class of %s", caseName, written.name()).isEqualTo(written.className());
        assertThat(read.weights().keySet()).as("%s: weights of %s read back", caseName, written.name())
                .containsExactlyElementsOf(written.weights().keySet());
        written.weights().forEach((k, t) -> {
            assertThat(read.weight(k).shape()).as("%s: %s/%s shape", caseName, written.name(), k).isEqualTo(t.shape());
            assertThat(read.weight(k).data()).as("%s: %s/%s values", caseName, written.name(), k)
                    .isEqualTo(t.data());
        });
        if (exactConfig) {
            Map<String, Object> expected = new LinkedHashMap<>(written.config().asMap());
            expected.keySet().removeIf(RandomModelParityTest::isTrainingOnly);
            assertThat(read.config().asMap()).as("%s: config of %s read back", caseName, written.name())
                    .isEqualTo(expected);
        }
        assertThat(read.children()).as("%s: layers wrapped by %s", caseName, written.name())
                .hasSameSizeAs(written.children());
        for (int i = 0; i < written.children().size(); i++) {
            assertSameLayer(caseName, written.child(i), read.child(i), exactConfig);
        }
    }

    private static boolean isTrainingOnly(String key) {
        return key.endsWith("_initializer") || key.endsWith("_regularizer") || key.endsWith("_constraint");
    }

    /** Same random rows into both models; tf in one batch and in small batches against jvm in one batch. */
    private static void assertAgree(String name, ModelSpec spec, LoadedModel jvm, LoadedModel tf, double inputScale) {
        for (int j = 0; j < jvm.signature().outputCount(); j++) {
            assertThat(tf.signature().outputShapes().get(j)).as("%s: output %d shape", name, j)
                    .isEqualTo(jvm.signature().outputShapes().get(j));
        }
        ParityRuns.Batch inputs = scale(ParityRuns.randomInputs(spec, jvm.signature(), ROWS, name.hashCode()),
                inputScale);
        float[][] reference = ParityRuns.predict(jvm, inputs, ROWS);
        for (float[] r : reference) {
            assertThat(r).as("jvm output must be a number").doesNotContain(Float.NaN);
        }
        double worst = 0;
        for (int batch : new int[] {ROWS, SMALL_BATCH}) {
            float[][] out = ParityRuns.predict(tf, inputs, batch);
            double rel = ParityRuns.maxRelativeError(out, reference);
            worst = Math.max(worst, rel);
            record(name, worst);
            assertThat(rel).as("tf vs jvm in batches of %d rows, relative (%s)", batch,
                    ParityRuns.worstDifference(out, reference, spec.outputs())).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    /** Widens the random inputs (only recipes without Embedding inputs are scaled). */
    private static ParityRuns.Batch scale(ParityRuns.Batch batch, double factor) {
        if (factor == 1) {
            return batch;
        }
        for (float[] a : batch.arrays()) {
            for (int k = 0; k < a.length; k++) {
                a[k] *= (float) factor;
            }
        }
        return batch;
    }

    private static synchronized void record(String name, double error) {
        REACHED.merge(name, error, Math::max);
    }

    @AfterAll
    static void printWorstCases() {
        if (REACHED.isEmpty()) {
            return;
        }
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(REACHED.entrySet());
        sorted.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        System.out.println("Random-model parity: " + REACHED.size() + " models, largest relative |tf - jvm| first:");
        sorted.stream().limit(10).forEach(e -> System.out.printf("  %.2e  %s%n", e.getValue(), e.getKey()));
    }

    // ---- cases ----------------------------------------------------------------------------------------------------

    static Stream<Arguments> activations() {
        List<Case> cases = new ArrayList<>();
        for (Activation a : Activation.values()) {
            cases.add(model("Dense(5, activation=" + a.specName() + ") on (6,)", n -> {
                String x = n.input("x", 6);
                return n.build(n.call(n.layers().dense(6, 5, a.specName()), x));
            }));
            cases.add(scaled("Activation(" + a.specName() + ") on (4, 5), inputs in [-8, 8)", 8, n -> {
                String x = n.input("x", 4, 5);
                return n.build(n.call(n.layers().activation(a.specName()), x));
            }));
        }
        return args(cases);
    }

    static Stream<Arguments> coreLayers() {
        return args(
                model("Dense without bias on a sequence (4, 5)", n -> {
                    String x = n.input("x", 4, 5);
                    return n.build(n.call(n.layers().dense(5, 3, "tanh", false), x));
                }),
                model("Dropout, GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D are identities", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 5, 4);
                    return n.build(n.chain(x, l.dropout(0.3), l.gaussianNoise(0.5), l.gaussianDropout(0.2),
                            l.alphaDropout(0.1), l.spatialDropout(1, 0.4), l.flatten(), l.dense(20, 3, "linear")));
                }),
                model("SpatialDropout2D then Flatten on (4, 3, 2)", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 4, 3, 2);
                    return n.build(n.chain(x, l.spatialDropout(2, 0.5), l.flatten(), l.dense(24, 2, "sigmoid")));
                }),
                model("Reshape (12,) to (3, 4), Permute (2, 1), Flatten", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 12);
                    return n.build(n.chain(x, l.reshape(3, 4), l.permute(2, 1), l.flatten(), l.dense(12, 4, "relu")));
                }),
                model("Reshape with -1 to (-1, 2) then Dense per step", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 3, 4);
                    return n.build(n.chain(x, l.reshape(-1, 2), l.dense(2, 3, "linear")));
                }),
                model("Permute (3, 1, 2) on (2, 3, 4)", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 2, 3, 4);
                    return n.build(n.chain(x, l.permute(3, 1, 2), l.dense(3, 2, "linear")));
                }),
                model("RepeatVector(3) then LSTM", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 4);
                    return n.build(n.chain(x, l.repeatVector(3), l.lstm(4, 3, "tanh", "sigmoid", true, true, false)));
                }),
                model("Embedding (vocabulary 11) then Flatten and Dense", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 6);
                    return n.build(n.chain(x, l.embedding(11, 4), l.flatten(), l.dense(24, 3, "softmax")));
                }),
                model("Embedding on an int32 input then GRU", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", "int32", 5);
                    return n.build(n.chain(x, l.embedding(7, 3), l.gru(3, 4, "tanh", "sigmoid", true, false, false)));
                }));
    }

    static Stream<Arguments> convolutions() {
        return args(
                model("Conv1D valid k3", n -> conv1D(n, 4, 3, 1, "valid", 1, 1)),
                model("Conv1D same with an even kernel k4 and stride 2", n -> conv1D(n, 4, 4, 2, "same", 1, 1)),
                model("Conv1D same k2 stride 1 (asymmetric padding)", n -> conv1D(n, 3, 2, 1, "same", 1, 1)),
                model("Conv1D causal k3 dilation 2", n -> conv1D(n, 4, 3, 1, "causal", 2, 1)),
                model("Conv1D causal k2 dilation 3", n -> conv1D(n, 2, 2, 1, "causal", 3, 1)),
                model("Conv1D valid k3 stride 2", n -> conv1D(n, 4, 3, 2, "valid", 1, 1)),
                model("Conv1D causal k3 stride 2", n -> conv1D(n, 3, 3, 2, "causal", 1, 1)),
                model("Conv1D same k2 stride 2 on an odd length", n -> conv1D(n, 3, 2, 2, "same", 1, 1)),
                model("Conv1D same k3 dilation 2", n -> conv1D(n, 4, 3, 1, "same", 2, 1)),
                model("Conv1D groups 2", n -> conv1D(n, 6, 3, 1, "valid", 1, 2)),
                model("Conv2D same with an even kernel (2, 2) and strides (2, 2) on 7x6", n ->
                        conv2D(n, 3, new int[] {2, 2}, new int[] {2, 2}, "same", new int[] {1, 1}, 1)),
                model("Conv2D same with kernel (4, 3) and strides (1, 2)", n ->
                        conv2D(n, 2, new int[] {4, 3}, new int[] {1, 2}, "same", new int[] {1, 1}, 1)),
                model("Conv2D same with kernel (4, 4) and strides (3, 3)", n ->
                        conv2D(n, 2, new int[] {4, 4}, new int[] {3, 3}, "same", new int[] {1, 1}, 1)),
                model("Conv2D valid with dilation (2, 2)", n ->
                        conv2D(n, 3, new int[] {3, 3}, new int[] {1, 1}, "valid", new int[] {2, 2}, 1)),
                model("Conv2D valid with strides (2, 3)", n ->
                        conv2D(n, 3, new int[] {3, 2}, new int[] {2, 3}, "valid", new int[] {1, 1}, 1)),
                model("Conv2D same with dilation (1, 2)", n ->
                        conv2D(n, 3, new int[] {3, 3}, new int[] {1, 1}, "same", new int[] {1, 2}, 1)),
                model("Conv2D groups 2", n ->
                        conv2D(n, 4, new int[] {2, 2}, new int[] {1, 1}, "valid", new int[] {1, 1}, 2)),
                model("SeparableConv1D same k3 stride 2 depth_multiplier 2", n -> {
                    String x = n.input("x", 9, 3);
                    return n.build(n.call(n.layers().separableConv(3, 4, new int[] {3}, new int[] {2}, "same",
                            new int[] {1}, 2, "relu", true), x));
                }),
                model("SeparableConv1D valid k2 dilation 2 without bias", n -> {
                    String x = n.input("x", 9, 3);
                    return n.build(n.call(n.layers().separableConv(3, 2, new int[] {2}, new int[] {1}, "valid",
                            new int[] {2}, 1, "linear", false), x));
                }),
                model("SeparableConv2D same (3, 3) strides (2, 2) depth_multiplier 2", n -> {
                    String x = n.input("x", 7, 6, 3);
                    return n.build(n.call(n.layers().separableConv(3, 4, new int[] {3, 3}, new int[] {2, 2}, "same",
                            new int[] {1, 1}, 2, "tanh", true), x));
                }),
                model("SeparableConv2D valid (2, 3) dilation (2, 1)", n -> {
                    String x = n.input("x", 7, 6, 2);
                    return n.build(n.call(n.layers().separableConv(2, 3, new int[] {2, 3}, new int[] {1, 1},
                            "valid", new int[] {2, 1}, 1, "linear", true), x));
                }),
                model("DepthwiseConv2D same (3, 3) strides (2, 2) depth_multiplier 2", n -> {
                    String x = n.input("x", 7, 6, 3);
                    return n.build(n.call(n.layers().depthwiseConv(3, new int[] {3, 3}, new int[] {2, 2}, "same",
                            new int[] {1, 1}, 2, "relu", true), x));
                }),
                model("DepthwiseConv2D same (2, 3) dilation (2, 1) depth_multiplier 3", n -> {
                    String x = n.input("x", 6, 7, 2);
                    return n.build(n.call(n.layers().depthwiseConv(2, new int[] {2, 3}, new int[] {1, 1}, "same",
                            new int[] {2, 1}, 3, "tanh", true), x));
                }),
                model("DepthwiseConv1D same k3 stride 2 depth_multiplier 2", n -> {
                    String x = n.input("x", 9, 3);
                    return n.build(n.call(n.layers().depthwiseConv(3, new int[] {3}, new int[] {2}, "same",
                            new int[] {1}, 2, "relu", true), x));
                }),
                model("DepthwiseConv1D valid k2 dilation 3 without bias", n -> {
                    String x = n.input("x", 9, 2);
                    return n.build(n.call(n.layers().depthwiseConv(2, new int[] {2}, new int[] {1}, "valid",
                            new int[] {3}, 1, "linear", false), x));
                }),
                model("DepthwiseConv2D valid (2, 2) dilation (2, 2) without bias", n -> {
                    String x = n.input("x", 7, 6, 3);
                    return n.build(n.call(n.layers().depthwiseConv(3, new int[] {2, 2}, new int[] {1, 1}, "valid",
                            new int[] {2, 2}, 1, "linear", false), x));
                }));
    }

    private static ModelSpec conv1D(RandomNet n, int filters, int kernel, int stride, String padding, int dilation,
                                    int groups) {
        int in = groups == 1 ? 3 : 2 * groups;
        String x = n.input("x", 11, in);
        return n.build(n.call(n.layers().conv(in, filters, new int[] {kernel}, new int[] {stride}, padding,
                new int[] {dilation}, groups, "tanh", true), x));
    }

    private static ModelSpec conv2D(RandomNet n, int filters, int[] kernel, int[] strides, String padding,
                                    int[] dilation, int groups) {
        int in = groups == 1 ? 3 : 2 * groups;
        String x = n.input("x", 7, 6, in);
        return n.build(n.call(n.layers().conv(in, filters, kernel, strides, padding, dilation, groups, "linear",
                true), x));
    }

    static Stream<Arguments> pooling() {
        return args(
                model("MaxPooling1D pool 2 same on odd length", n -> pool1D(n, "Max", 2, null, "same")),
                model("AveragePooling1D pool 3 stride 1 same (edges average fewer steps)", n ->
                        pool1D(n, "Average", 3, 1, "same")),
                model("MaxPooling1D pool 3 stride 2 valid", n -> pool1D(n, "Max", 3, 2, "valid")),
                model("AveragePooling1D pool 2 valid", n -> pool1D(n, "Average", 2, null, "valid")),
                model("MaxPooling2D (2, 2) same on 7x6", n -> pool2D(n, "Max", new int[] {2, 2}, null, "same")),
                model("MaxPooling2D (3, 3) strides (1, 1) same", n ->
                        pool2D(n, "Max", new int[] {3, 3}, new int[] {1, 1}, "same")),
                model("AveragePooling2D (3, 2) strides (2, 1) same", n ->
                        pool2D(n, "Average", new int[] {3, 2}, new int[] {2, 1}, "same")),
                model("AveragePooling2D (2, 2) valid", n -> pool2D(n, "Average", new int[] {2, 2}, null, "valid")),
                model("AveragePooling2D (3, 3) strides (2, 2) same", n ->
                        pool2D(n, "Average", new int[] {3, 3}, new int[] {2, 2}, "same")),
                model("MaxPooling1D pool 2 stride 3 same", n -> pool1D(n, "Max", 2, 3, "same")),
                model("AveragePooling1D pool 4 stride 3 same", n -> pool1D(n, "Average", 4, 3, "same")),
                model("MaxPooling2D (2, 3) strides (3, 2) valid", n ->
                        pool2D(n, "Max", new int[] {2, 3}, new int[] {3, 2}, "valid")),
                model("GlobalMaxPooling1D", n -> globalPool(n, "Max", 1, false)),
                model("GlobalAveragePooling1D keepdims", n -> globalPool(n, "Average", 1, true)),
                model("GlobalMaxPooling2D keepdims", n -> globalPool(n, "Max", 2, true)),
                model("GlobalAveragePooling2D", n -> globalPool(n, "Average", 2, false)));
    }

    private static ModelSpec pool1D(RandomNet n, String kind, int pool, Integer stride, String padding) {
        String x = n.input("x", 7, 3);
        return n.build(n.call(n.layers().pooling(kind, new int[] {pool}, stride == null ? null : new int[] {stride},
                padding), x));
    }

    private static ModelSpec pool2D(RandomNet n, String kind, int[] pool, int[] strides, String padding) {
        String x = n.input("x", 7, 6, 2);
        return n.build(n.call(n.layers().pooling(kind, pool, strides, padding), x));
    }

    private static ModelSpec globalPool(RandomNet n, String kind, int rank, boolean keepDims) {
        String x = rank == 1 ? n.input("x", 5, 3) : n.input("x", 4, 5, 3);
        return n.build(n.call(n.layers().globalPooling(kind, rank, keepDims), x));
    }

    static Stream<Arguments> paddingAndResizing() {
        return args(
                model("ZeroPadding1D (1, 2) then Conv1D", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 5, 3);
                    return n.build(n.chain(x, l.zeroPadding1D(1, 2), l.conv(3, 2, new int[] {3}, new int[] {1},
                            "valid", new int[] {1}, 1, "linear", true)));
                }),
                model("ZeroPadding2D ((1, 0), (2, 1))", n -> {
                    String x = n.input("x", 4, 3, 2);
                    return n.build(n.call(n.layers().zeroPadding2D(1, 0, 2, 1), x));
                }),
                model("Cropping1D (1, 2)", n -> {
                    String x = n.input("x", 6, 3);
                    return n.build(n.call(n.layers().cropping1D(1, 2), x));
                }),
                model("Cropping2D ((1, 0), (0, 2))", n -> {
                    String x = n.input("x", 5, 6, 2);
                    return n.build(n.call(n.layers().cropping2D(1, 0, 0, 2), x));
                }),
                model("UpSampling1D size 3", n -> {
                    String x = n.input("x", 4, 2);
                    return n.build(n.call(n.layers().upSampling1D(3), x));
                }),
                model("UpSampling2D (2, 3) nearest", n -> {
                    String x = n.input("x", 3, 4, 2);
                    return n.build(n.call(n.layers().upSampling2D(2, 3, "nearest"), x));
                }),
                model("UpSampling2D (2, 2) bilinear", n -> {
                    String x = n.input("x", 3, 4, 2);
                    return n.build(n.call(n.layers().upSampling2D(2, 2, "bilinear"), x));
                }),
                model("UpSampling2D (3, 2) bilinear", n -> {
                    String x = n.input("x", 3, 4, 2);
                    return n.build(n.call(n.layers().upSampling2D(3, 2, "bilinear"), x));
                }));
    }

    static Stream<Arguments> normalization() {
        return args(
                model("BatchNormalization after Dense", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 6);
                    return n.build(n.chain(x, l.dense(6, 4, "linear"), l.batchNormalization(-1, 4, true, true)));
                }),
                model("BatchNormalization over image channels", n -> {
                    String x = n.input("x", 4, 3, 5);
                    return n.build(n.call(n.layers().batchNormalization(-1, 5, true, true), x));
                }),
                model("BatchNormalization on axis 1 of a sequence", n -> {
                    String x = n.input("x", 5, 4);
                    return n.build(n.call(n.layers().batchNormalization(1, 5, true, true), x));
                }),
                model("BatchNormalization on axis 1 of an image (rows)", n -> {
                    String x = n.input("x", 4, 3, 2);
                    return n.build(n.call(n.layers().batchNormalization(1, 4, true, true), x));
                }),
                model("BatchNormalization on axis 2 of an image (columns)", n -> {
                    String x = n.input("x", 4, 3, 2);
                    return n.build(n.call(n.layers().batchNormalization(2, 3, true, false), x));
                }),
                model("BatchNormalization without center and scale", n -> {
                    String x = n.input("x", 5, 4);
                    return n.build(n.call(n.layers().batchNormalization(-1, 4, false, false), x));
                }),
                model("LayerNormalization on axis -1", n -> {
                    String x = n.input("x", 5, 4);
                    return n.build(n.call(n.layers().layerNormalization(-1, new int[] {4}, true, true), x));
                }),
                model("LayerNormalization on axes [1, 2]", n -> {
                    String x = n.input("x", 5, 4);
                    return n.build(n.call(n.layers().layerNormalization(ints(1, 2), new int[] {5, 4}, true, true),
                            x));
                }),
                model("LayerNormalization on axis 1 of a sequence", n -> {
                    String x = n.input("x", 5, 4);
                    return n.build(n.call(n.layers().layerNormalization(1, new int[] {5}, true, true), x));
                }),
                model("LayerNormalization on axes [1, 3] of an image", n -> {
                    String x = n.input("x", 3, 4, 2);
                    return n.build(n.call(n.layers().layerNormalization(ints(1, 3), new int[] {3, 2}, true, true),
                            x));
                }),
                model("LayerNormalization without center and scale", n -> {
                    String x = n.input("x", 6);
                    return n.build(n.call(n.layers().layerNormalization(ints(-1), new int[] {6}, false, false), x));
                }));
    }

    static Stream<Arguments> recurrent() {
        return args(
                model("SimpleRNN last output", n -> rnn(n, l -> l.simpleRnn(3, 4, "tanh", false, false))),
                model("SimpleRNN go_backwards with return_sequences", n ->
                        rnn(n, l -> l.simpleRnn(3, 4, "tanh", true, true))),
                model("SimpleRNN go_backwards, last output", n ->
                        rnn(n, l -> l.simpleRnn(3, 4, "tanh", false, true))),
                model("SimpleRNN relu with return_sequences", n -> rnn(n, l -> l.simpleRnn(3, 4, "relu", true, false))),
                model("LSTM with return_sequences", n ->
                        rnn(n, l -> l.lstm(3, 4, "tanh", "sigmoid", true, true, false))),
                model("LSTM go_backwards, hard_sigmoid, no bias", n ->
                        rnn(n, l -> l.lstm(3, 4, "tanh", "hard_sigmoid", false, false, true))),
                model("LSTM with Keras 2 hard_sigmoid and relu", n ->
                        rnn(n, l -> l.lstm(3, 4, "relu", "hard_sigmoid_keras2", true, true, false))),
                model("GRU reset_after=true, last output", n ->
                        rnn(n, l -> l.gru(3, 4, "tanh", "sigmoid", true, false, false))),
                model("GRU reset_after=false with return_sequences", n ->
                        rnn(n, l -> l.gru(3, 4, "tanh", "sigmoid", false, true, false))),
                model("GRU reset_after=true go_backwards with return_sequences", n ->
                        rnn(n, l -> l.gru(3, 4, "tanh", "sigmoid", true, true, true))),
                model("GRU reset_after=false go_backwards, hard_sigmoid_keras2", n ->
                        rnn(n, l -> l.gru(3, 4, "softsign", "hard_sigmoid_keras2", false, false, true))),
                model("LSTM, GRU, SimpleRNN stacked", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 6, 3);
                    return n.build(n.chain(x, l.lstm(3, 5, "tanh", "sigmoid", true, true, false),
                            l.gru(5, 4, "tanh", "sigmoid", true, true, false),
                            l.simpleRnn(4, 3, "tanh", false, false)));
                }));
    }

    static Stream<Arguments> recurrentActivations() {
        List<Case> cases = new ArrayList<>();
        for (Activation a : Activation.values()) {
            cases.add(model("SimpleRNN(activation=" + a.specName() + ") over 3 steps", n -> {
                String x = n.input("x", 3, 2);
                return n.build(n.call(n.layers().simpleRnn(2, 3, a.specName(), true, false), x));
            }));
            cases.add(model("LSTM(recurrent_activation=" + a.specName() + ") over 3 steps", n -> {
                String x = n.input("x", 3, 2);
                return n.build(n.call(n.layers().lstm(2, 3, "tanh", a.specName(), true, true, false), x));
            }));
        }
        cases.add(model("LSTM over a single step", n -> {
            String x = n.input("x", 1, 3);
            return n.build(n.call(n.layers().lstm(3, 4, "tanh", "sigmoid", true, true, false), x));
        }));
        cases.add(scaled("GRU on large inputs (saturated gates)", 6, n -> {
            String x = n.input("x", 6, 3);
            return n.build(n.call(n.layers().gru(3, 4, "tanh", "sigmoid", true, true, false), x));
        }));
        return args(cases);
    }

    private static ModelSpec rnn(RandomNet n, Function<KerasLayers, LayerSpec> layer) {
        String x = n.input("x", 6, 3);
        return n.build(n.call(layer.apply(n.layers()), x));
    }

    static Stream<Arguments> wrappers() {
        return args(
                model("Bidirectional(LSTM) merge concat with return_sequences", n -> bidi(n, "concat",
                        (l, back) -> l.lstm(3, 4, "tanh", "sigmoid", true, true, back))),
                model("Bidirectional(GRU reset_after) merge sum", n -> bidi(n, "sum",
                        (l, back) -> l.gru(3, 4, "tanh", "sigmoid", true, false, back))),
                model("Bidirectional(SimpleRNN) merge mul with return_sequences", n -> bidi(n, "mul",
                        (l, back) -> l.simpleRnn(3, 4, "tanh", true, back))),
                model("Bidirectional(LSTM) merge ave", n -> bidi(n, "ave",
                        (l, back) -> l.lstm(3, 4, "tanh", "sigmoid", true, false, back))),
                model("Bidirectional(GRU reset_after=false) merge concat with return_sequences", n -> bidi(n,
                        "concat", (l, back) -> l.gru(3, 2, "tanh", "sigmoid", false, true, back))),
                model("Bidirectional(LSTM) whose forward layer runs backwards", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 5, 3);
                    return n.build(n.call(l.bidirectional("concat", l.lstm(3, 3, "tanh", "sigmoid", true, true, true),
                            l.lstm(3, 3, "tanh", "sigmoid", true, true, false)), x));
                }),
                model("Bidirectional with a backward SimpleRNN of other units, merge concat", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 5, 3);
                    return n.build(n.call(l.bidirectional("concat", l.simpleRnn(3, 4, "tanh", true, false),
                            l.simpleRnn(3, 2, "relu", true, true)), x));
                }),
                model("TimeDistributed(Flatten) on (3, 2, 4)", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 3, 2, 4);
                    return n.build(n.call(l.timeDistributed(l.flatten()), x));
                }),
                model("TimeDistributed(MaxPooling1D) on (3, 6, 2)", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 3, 6, 2);
                    return n.build(n.call(l.timeDistributed(l.pooling("Max", new int[] {2}, null, "valid")), x));
                }),
                model("TimeDistributed(Conv2D) on (2, 5, 5, 2)", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 2, 5, 5, 2);
                    return n.build(n.call(l.timeDistributed(l.conv(2, 3, new int[] {3, 3}, new int[] {1, 1},
                            "same", new int[] {1, 1}, 1, "relu", true)), x));
                }),
                model("TimeDistributed(BatchNormalization) on (4, 3)", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 4, 3);
                    return n.build(n.call(l.timeDistributed(l.batchNormalization(-1, 3, true, true)), x));
                }),
                model("TimeDistributed(Embedding) on (3, 4) indices", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 3, 4);
                    return n.build(n.call(l.timeDistributed(l.embedding(6, 2)), x));
                }),
                model("TimeDistributed(Dense)", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 5, 4);
                    return n.build(n.call(l.timeDistributed(l.dense(4, 3, "relu")), x));
                }),
                model("TimeDistributed(Conv1D) on (3, 6, 2)", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 3, 6, 2);
                    return n.build(n.call(l.timeDistributed(l.conv(2, 3, new int[] {2}, new int[] {1}, "same",
                            new int[] {1}, 1, "tanh", true)), x));
                }),
                model("TimeDistributed(Dense) after LSTM sequences", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 5, 3);
                    return n.build(n.chain(x, l.lstm(3, 4, "tanh", "sigmoid", true, true, false),
                            l.timeDistributed(l.dense(4, 2, "sigmoid"))));
                }));
    }

    @FunctionalInterface
    private interface RecurrentRecipe {
        LayerSpec make(KerasLayers layers, boolean goBackwards);
    }

    private static ModelSpec bidi(RandomNet n, String mode, RecurrentRecipe recipe) {
        KerasLayers l = n.layers();
        String x = n.input("x", 5, 3);
        return n.build(n.call(l.bidirectional(mode, recipe.make(l, false), recipe.make(l, true)), x));
    }

    static Stream<Arguments> merges() {
        List<Case> cases = new ArrayList<>();
        for (String cls : List.of("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")) {
            cases.add(model(cls + " of two inputs", n -> {
                KerasLayers l = n.layers();
                String a = n.input("a", 4, 3);
                String b = n.input("b", 4, 3);
                return n.build(n.call(l.merge(cls), a, b));
            }));
        }
        cases.add(model("Add of a sequence (4, 3) and a vector (3,) (lower rank broadcast)", n -> {
            String a = n.input("a", 4, 3);
            String b = n.input("b", 3);
            return n.build(n.call(n.layers().merge("Add"), a, b));
        }));
        cases.add(model("Multiply a sequence (4, 3) by per-step weights (4, 1)", n -> {
            String a = n.input("a", 4, 3);
            String b = n.input("b", 4, 1);
            return n.build(n.call(n.layers().merge("Multiply"), a, b));
        }));
        cases.add(model("Maximum of a sequence (4, 3) and a vector (3,)", n -> {
            String a = n.input("a", 4, 3);
            String b = n.input("b", 3);
            return n.build(n.call(n.layers().merge("Maximum"), b, a));
        }));
        cases.add(model("Dot of a vector (3,) and a sequence (4, 3) on axes [1, 2]", n -> {
            String a = n.input("a", 3);
            String b = n.input("b", 4, 3);
            return n.build(n.call(n.layers().dot(ints(1, 2), false), a, b));
        }));
        cases.add(model("Add of three branches", n -> {
            KerasLayers l = n.layers();
            String a = n.input("a", 5);
            String b = n.chain(a, l.dense(5, 5, "tanh"));
            String c = n.chain(a, l.dense(5, 5, "relu"));
            return n.build(n.call(l.merge("Add"), a, b, c));
        }));
        cases.add(model("Concatenate three images on axis -2", n -> {
            KerasLayers l = n.layers();
            String a = n.input("a", 3, 2, 2);
            String b = n.input("b", 3, 4, 2);
            String c = n.input("c", 3, 1, 2);
            return n.build(n.call(l.concatenate(-2), a, b, c));
        }));
        cases.add(model("Dot of sequences on axes [-1, -1]", n -> {
            String a = n.input("a", 4, 3);
            String b = n.input("b", 2, 3);
            return n.build(n.call(n.layers().dot(ints(-1, -1), false), a, b));
        }));
        cases.add(model("Dense on a rank-4 row (2, 3, 4, 5), softmax", n -> {
            String x = n.input("x", 2, 3, 4, 5);
            return n.build(n.call(n.layers().dense(5, 3, "softmax"), x));
        }));
        cases.add(model("Concatenate two inputs then Dense", n -> {
            KerasLayers l = n.layers();
            String a = n.input("a", 4);
            String b = n.input("b", 3);
            return n.build(n.chain(n.call(l.concatenate(-1), a, b), l.dense(7, 2, "linear")));
        }));
        cases.add(model("Concatenate sequences on axis 1", n -> {
            KerasLayers l = n.layers();
            String a = n.input("a", 5, 3);
            String b = n.input("b", 2, 3);
            return n.build(n.call(l.concatenate(1), a, b));
        }));
        cases.add(model("Dot of vectors on axis 1", n -> {
            String a = n.input("a", 6);
            String b = n.input("b", 6);
            return n.build(n.call(n.layers().dot(1, false), a, b));
        }));
        cases.add(model("Dot normalize (cosine) of vectors", n -> {
            String a = n.input("a", 6);
            String b = n.input("b", 6);
            return n.build(n.call(n.layers().dot(-1, true), a, b));
        }));
        cases.add(model("Dot of sequences on axes [2, 2]", n -> {
            String a = n.input("a", 5, 3);
            String b = n.input("b", 4, 3);
            return n.build(n.call(n.layers().dot(ints(2, 2), false), a, b));
        }));
        cases.add(model("Dot of sequences on axes [1, 1], normalized", n -> {
            String a = n.input("a", 5, 3);
            String b = n.input("b", 5, 4);
            return n.build(n.call(n.layers().dot(ints(1, 1), true), a, b));
        }));
        cases.add(model("Shared Dense used on two inputs, then Add", n -> {
            KerasLayers l = n.layers();
            String a = n.input("a", 4);
            String b = n.input("b", 4);
            var shared = l.dense(4, 3, "tanh");
            return n.build(n.chain(n.call(l.merge("Add"), n.call(shared, a), n.call(shared, b)),
                    l.dense(3, 1, "sigmoid")));
        }));
        cases.add(model("Shared LSTM on two sequences, Concatenate, Dot", n -> {
            KerasLayers l = n.layers();
            String a = n.input("a", 5, 3);
            String b = n.input("b", 5, 3);
            var shared = l.lstm(3, 4, "tanh", "sigmoid", true, false, false);
            String ha = n.call(shared, a);
            String hb = n.call(shared, b);
            return n.build(n.call(l.concatenate(-1), ha, hb), n.call(l.dot(-1, false), ha, hb));
        }));
        cases.add(model("Two outputs from one trunk", n -> {
            KerasLayers l = n.layers();
            String x = n.input("x", 6);
            String h = n.chain(x, l.dense(6, 5, "relu"));
            return n.build(n.chain(h, l.dense(5, 3, "softmax")), n.chain(h, l.dense(5, 1, "linear")));
        }));
        return args(cases);
    }

    static Stream<Arguments> activationLayers() {
        return args(
                scaled("LeakyReLU negative_slope 0.1", 4, n -> elementwise(n, n.layers().leakyRelu(0.1))),
                scaled("PReLU without shared axes", 4, n -> elementwise(n, n.layers().prelu(new int[] {5, 4}, null))),
                scaled("PReLU shared_axes [1]", 4, n -> elementwise(n, n.layers().prelu(new int[] {5, 4},
                        new int[] {1}))),
                scaled("PReLU shared_axes [1, 2] on an image", 4, n -> {
                    String x = n.input("x", 3, 4, 2);
                    return n.build(n.call(n.layers().prelu(new int[] {3, 4, 2}, new int[] {1, 2}), x));
                }),
                scaled("ELU alpha 0.7", 4, n -> elementwise(n, n.layers().elu(0.7))),
                scaled("ThresholdedReLU theta 0.5", 4, n -> elementwise(n, n.layers().thresholdedRelu(0.5))),
                scaled("ActivityRegularization is an identity", 4, n -> elementwise(n,
                        n.layers().activityRegularization(0.01, 0.0))),
                scaled("ReLU max_value 2.5, negative_slope 0.1, threshold 0.5", 4, n ->
                        elementwise(n, n.layers().relu(2.5, 0.1, 0.5))),
                scaled("ReLU defaults", 4, n -> elementwise(n, n.layers().relu(null, 0.0, 0.0))),
                scaled("ReLU threshold -1 without slope", 4, n -> elementwise(n, n.layers().relu(null, 0.0, -1.0))),
                scaled("Softmax on axis 1", 4, n -> elementwise(n, n.layers().softmax(1))),
                scaled("Softmax on axis -1", 4, n -> elementwise(n, n.layers().softmax(-1))),
                scaled("Softmax on axes [1, 2]", 4, n -> elementwise(n, n.layers().softmax(ints(1, 2)))));
    }

    private static ModelSpec elementwise(RandomNet n, LayerSpec layer) {
        String x = n.input("x", 5, 4);
        return n.build(n.call(layer, x));
    }

    static Stream<Arguments> stacks() {
        return args(
                model("CNN: Conv2D, BatchNorm, ReLU, MaxPool, SeparableConv2D, GlobalAveragePool, Dense", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 8, 7, 3);
                    return n.build(n.chain(x,
                            l.conv(3, 4, new int[] {3, 3}, new int[] {1, 1}, "same", new int[] {1, 1}, 1, "linear",
                                    false),
                            l.batchNormalization(-1, 4, true, true), l.relu(null, 0.0, 0.0),
                            l.pooling("Max", new int[] {2, 2}, null, "same"),
                            l.separableConv(4, 5, new int[] {2, 2}, new int[] {1, 1}, "valid", new int[] {1, 1}, 1,
                                    "elu", true),
                            l.globalPooling("Average", 2, false), l.dense(5, 3, "softmax")));
                }),
                model("Residual block: Conv2D, BatchNorm, ReLU, Add with the input", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 5, 5, 4);
                    String y = n.chain(x, l.conv(4, 4, new int[] {3, 3}, new int[] {1, 1}, "same",
                            new int[] {1, 1}, 1, "linear", true), l.batchNormalization(-1, 4, true, true),
                            l.activation("relu"));
                    return n.build(n.chain(n.call(l.merge("Add"), x, y), l.flatten(), l.dense(100, 2, "linear")));
                }),
                model("Sequence model: causal Conv1D, LSTM sequences, TimeDistributed(Dense), GlobalMaxPool1D", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 8, 3);
                    return n.build(n.chain(x,
                            l.conv(3, 4, new int[] {2}, new int[] {1}, "causal", new int[] {2}, 1, "relu", true),
                            l.lstm(4, 5, "tanh", "sigmoid", true, true, false),
                            l.timeDistributed(l.dense(5, 3, "tanh")), l.globalPooling("Max", 1, false)));
                }),
                model("Two inputs: Embedding+Bidirectional(GRU) text branch and Dense numeric branch", n -> {
                    KerasLayers l = n.layers();
                    String words = n.input("words", 6);
                    String numbers = n.input("numbers", 3);
                    String text = n.chain(words, l.embedding(9, 4), l.bidirectional("concat",
                            l.gru(4, 3, "tanh", "sigmoid", true, false, false),
                            l.gru(4, 3, "tanh", "sigmoid", true, false, true)));
                    String num = n.chain(numbers, l.dense(3, 4, "relu"));
                    return n.build(n.chain(n.call(l.concatenate(-1), text, num), l.layerNormalization(-1,
                            new int[] {10}, true, true), l.dense(10, 1, "sigmoid")));
                }),
                model("Padding, upsampling, cropping and pooling around convolutions", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 6, 6, 2);
                    return n.build(n.chain(x, l.zeroPadding2D(1, 1, 0, 1),
                            l.conv(2, 3, new int[] {3, 3}, new int[] {2, 2}, "valid", new int[] {1, 1}, 1, "relu",
                                    true),
                            l.upSampling2D(2, 2, "nearest"), l.cropping2D(0, 1, 1, 0),
                            l.depthwiseConv(3, new int[] {2, 2}, new int[] {1, 1}, "same", new int[] {1, 1}, 1,
                                    "linear", true),
                            l.pooling("Average", new int[] {2, 2}, new int[] {1, 1}, "valid"), l.flatten()));
                }));
    }

    /** Sizes of real models, where long sums and many steps let float rounding differ between the paths. */
    static Stream<Arguments> realisticSizes() {
        return args(
                model("MLP 300-128-64-10 (relu, relu, softmax)", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 300);
                    return n.build(n.chain(x, l.dense(300, 128, "relu"), l.dense(128, 64, "relu"),
                            l.dense(64, 10, "softmax")));
                }),
                model("CNN on 28x28x1: Conv2D 16, MaxPool, Conv2D 32, GlobalAveragePool, Dense 10", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 28, 28, 1);
                    return n.build(n.chain(x,
                            l.conv(1, 16, new int[] {3, 3}, new int[] {1, 1}, "same", new int[] {1, 1}, 1, "relu",
                                    true),
                            l.pooling("Max", new int[] {2, 2}, null, "valid"),
                            l.conv(16, 32, new int[] {3, 3}, new int[] {1, 1}, "valid", new int[] {1, 1}, 1, "relu",
                                    true),
                            l.globalPooling("Average", 2, false), l.dense(32, 10, "softmax")));
                }),
                model("LSTM 64 units over 30 steps of 16 features, Dense", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 30, 16);
                    return n.build(n.chain(x, l.lstm(16, 64, "tanh", "sigmoid", true, false, false),
                            l.dense(64, 1, "linear")));
                }),
                model("Bidirectional GRU 32 units over 20 steps, sequences, GlobalMaxPool1D", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 20, 8);
                    return n.build(n.chain(x, l.bidirectional("concat",
                                    l.gru(8, 32, "tanh", "sigmoid", true, true, false),
                                    l.gru(8, 32, "tanh", "sigmoid", true, true, true)),
                            l.globalPooling("Max", 1, false)));
                }),
                model("Text model: Embedding 1000x32 over 40 tokens, Conv1D 64 k5, GlobalMaxPool, Dense", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 40);
                    return n.build(n.chain(x, l.embedding(1000, 32),
                            l.conv(32, 64, new int[] {5}, new int[] {1}, "valid", new int[] {1}, 1, "relu", true),
                            l.globalPooling("Max", 1, false), l.dense(64, 1, "sigmoid")));
                }));
    }

    /**
     * Layers whose configs hold only the keys older Keras versions (or hand-written configs) always had: both paths
     * must fill in the same Keras defaults.
     */
    static Stream<Arguments> kerasDefaults() {
        return args(
                minimal("Conv1D with only filters and kernel_size", 1, n -> {
                    String x = n.input("x", 7, 3);
                    return n.build(n.call(KerasLayers.keeping(n.layers().conv(3, 2, new int[] {3}, new int[] {1},
                            "valid", new int[] {1}, 1, "linear", true), "filters", "kernel_size"), x));
                }),
                minimal("Conv2D with only filters and kernel_size", 1, n -> {
                    String x = n.input("x", 5, 4, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().conv(2, 2, new int[] {2, 2},
                            new int[] {1, 1}, "valid", new int[] {1, 1}, 1, "linear", true), "filters",
                            "kernel_size"), x));
                }),
                minimal("Dense with only units", 1, n -> {
                    String x = n.input("x", 4);
                    return n.build(n.call(KerasLayers.keeping(n.layers().dense(4, 3, "linear"), "units"), x));
                }),
                minimal("LSTM with only units (tanh, sigmoid, last output)", 1, n -> {
                    String x = n.input("x", 4, 3);
                    return n.build(n.call(KerasLayers.keeping(n.layers().lstm(3, 2, "tanh", "sigmoid", true, false,
                            false), "units"), x));
                }),
                minimal("GRU with only units and a reset_after-shaped bias", 1, n -> {
                    String x = n.input("x", 4, 3);
                    return n.build(n.call(KerasLayers.keeping(n.layers().gru(3, 2, "tanh", "sigmoid", true, false,
                            false), "units"), x));
                }),
                minimal("GRU with only units and a single bias row", 1, n -> {
                    String x = n.input("x", 4, 3);
                    return n.build(n.call(KerasLayers.keeping(n.layers().gru(3, 2, "tanh", "sigmoid", false, false,
                            false), "units"), x));
                }),
                minimal("SimpleRNN with only units", 1, n -> {
                    String x = n.input("x", 4, 3);
                    return n.build(n.call(KerasLayers.keeping(n.layers().simpleRnn(3, 2, "tanh", false, false),
                            "units"), x));
                }),
                minimal("MaxPooling1D without options (pool 2)", 1, n -> {
                    String x = n.input("x", 7, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().pooling("Max", new int[] {3}, null,
                            "same")), x));
                }),
                minimal("AveragePooling2D without options (pool (2, 2))", 1, n -> {
                    String x = n.input("x", 5, 4, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().pooling("Average", new int[] {3, 3}, null,
                            "same")), x));
                }),
                minimal("ZeroPadding1D without padding (1 each side)", 1, n -> {
                    String x = n.input("x", 4, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().zeroPadding1D(2, 3)), x));
                }),
                minimal("ZeroPadding2D without padding (1 each side)", 1, n -> {
                    String x = n.input("x", 3, 4, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().zeroPadding2D(2, 3, 0, 0)), x));
                }),
                minimal("Cropping1D without cropping (1 each side)", 1, n -> {
                    String x = n.input("x", 6, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().cropping1D(0, 2)), x));
                }),
                minimal("Cropping2D without cropping (nothing)", 1, n -> {
                    String x = n.input("x", 4, 5, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().cropping2D(1, 0, 0, 1)), x));
                }),
                minimal("UpSampling1D without size (2)", 1, n -> {
                    String x = n.input("x", 3, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().upSampling1D(3)), x));
                }),
                minimal("UpSampling2D without options ((2, 2), nearest)", 1, n -> {
                    String x = n.input("x", 3, 2, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().upSampling2D(3, 1, "bilinear")), x));
                }),
                minimal("BatchNormalization without options (axis -1, epsilon 1e-3)", 1, n -> {
                    String x = n.input("x", 3, 4);
                    return n.build(n.call(KerasLayers.keeping(n.layers().batchNormalization(-1, 4, true, true)), x));
                }),
                minimal("LayerNormalization without options (axis -1, epsilon 1e-3)", 1, n -> {
                    String x = n.input("x", 3, 4);
                    return n.build(n.call(KerasLayers.keeping(n.layers().layerNormalization(-1, new int[] {4}, true,
                            true)), x));
                }),
                minimal("LeakyReLU without options (slope 0.3)", 4, n -> elementwise(n,
                        KerasLayers.keeping(n.layers().leakyRelu(0.1)))),
                minimal("ELU without options (alpha 1)", 4, n -> elementwise(n,
                        KerasLayers.keeping(n.layers().elu(0.5)))),
                minimal("ReLU without options", 4, n -> elementwise(n,
                        KerasLayers.keeping(n.layers().relu(2.0, 0.2, 0.5)))),
                minimal("Softmax without options (axis -1)", 4, n -> elementwise(n,
                        KerasLayers.keeping(n.layers().softmax(1)))),
                minimal("Concatenate without options (axis -1)", 1, n -> {
                    String a = n.input("a", 2, 3);
                    String b = n.input("b", 2, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().concatenate(1)), a, b));
                }),
                minimal("Bidirectional without merge_mode (concat)", 1, n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 4, 3);
                    return n.build(n.call(KerasLayers.keeping(l.bidirectional("sum", l.lstm(3, 2, "tanh", "sigmoid",
                            true, false, false), l.lstm(3, 2, "tanh", "sigmoid", true, false, true))), x));
                }));
    }

    /** A channels_last layer (its channels_first twin is derived), the channels_first input, whether to move back. */
    record ChannelsFirstCase(String name, int[] inputShape, Function<KerasLayers, LayerSpec> layer,
                             boolean moveBack) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Arguments cf(String name, int[] inputShape, Function<KerasLayers, LayerSpec> layer) {
        return Arguments.of(new ChannelsFirstCase(name, inputShape, layer, true));
    }

    static Stream<Arguments> channelsFirstLayers() {
        int[] image = {3, 7, 6};
        int[] sequence = {3, 9};
        return Stream.of(
                cf("Conv2D channels_first same (2, 2) strides (2, 2)", image, l -> l.conv(3, 4, new int[] {2, 2},
                        new int[] {2, 2}, "same", new int[] {1, 1}, 1, "relu", true)),
                cf("Conv2D channels_first valid dilation (2, 1)", image, l -> l.conv(3, 2, new int[] {3, 2},
                        new int[] {1, 1}, "valid", new int[] {2, 1}, 1, "linear", true)),
                cf("Conv1D channels_first causal dilation 2", sequence, l -> l.conv(3, 2, new int[] {3},
                        new int[] {1}, "causal", new int[] {2}, 1, "tanh", true)),
                cf("Conv1D channels_first same stride 2", sequence, l -> l.conv(3, 2, new int[] {4},
                        new int[] {2}, "same", new int[] {1}, 1, "linear", true)),
                cf("SeparableConv2D channels_first same", image, l -> l.separableConv(3, 4, new int[] {3, 3},
                        new int[] {1, 1}, "same", new int[] {1, 1}, 2, "linear", true)),
                cf("DepthwiseConv2D channels_first valid strides (2, 1)", image, l -> l.depthwiseConv(3,
                        new int[] {2, 2}, new int[] {2, 1}, "valid", new int[] {1, 1}, 2, "linear", true)),
                cf("MaxPooling2D channels_first (2, 2) same", image, l -> l.pooling("Max", new int[] {2, 2}, null,
                        "same")),
                cf("AveragePooling2D channels_first (3, 2) strides (1, 2) same", image, l -> l.pooling("Average",
                        new int[] {3, 2}, new int[] {1, 2}, "same")),
                cf("MaxPooling1D channels_first pool 2 valid", sequence, l -> l.pooling("Max", new int[] {2}, null,
                        "valid")),
                cf("AveragePooling1D channels_first pool 3 stride 2 same", sequence, l -> l.pooling("Average",
                        new int[] {3}, new int[] {2}, "same")),
                Arguments.of(new ChannelsFirstCase("GlobalAveragePooling2D channels_first", image,
                        l -> l.globalPooling("Average", 2, false), false)),
                Arguments.of(new ChannelsFirstCase("GlobalMaxPooling1D channels_first", sequence,
                        l -> l.globalPooling("Max", 1, false), false)),
                cf("GlobalMaxPooling2D channels_first keepdims", image, l -> l.globalPooling("Max", 2, true)),
                cf("ZeroPadding2D channels_first ((1, 0), (2, 1))", image, l -> l.zeroPadding2D(1, 0, 2, 1)),
                cf("Cropping2D channels_first ((1, 2), (0, 1))", image, l -> l.cropping2D(1, 2, 0, 1)),
                cf("UpSampling2D channels_first (2, 3) nearest", image, l -> l.upSampling2D(2, 3, "nearest")),
                cf("UpSampling2D channels_first (2, 2) bilinear", image, l -> l.upSampling2D(2, 2, "bilinear")),
                Arguments.of(new ChannelsFirstCase("Flatten channels_first (flattens in channels-last order)", image,
                        KerasLayers::flatten, false)));
    }

    private static Stream<Arguments> args(Case... cases) {
        return Stream.of(cases).map(Arguments::of);
    }

    private static Stream<Arguments> args(List<Case> cases) {
        return cases.stream().map(Arguments::of);
    }
}
