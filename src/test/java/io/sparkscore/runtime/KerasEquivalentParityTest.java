package io.sparkscore.runtime;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.Shapes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.sparkscore.runtime.KerasLayers.ints;
import static io.sparkscore.runtime.RandomModelParity.assertAgree;
import static io.sparkscore.runtime.RandomModelParity.model;
import static io.sparkscore.runtime.RandomModelParity.net;
import static io.sparkscore.runtime.RandomModelParity.record;
import static io.sparkscore.runtime.RandomModelParity.roundTrip;

/**
 * Random-model parity against an independent reference: each layer, on both paths, against the model Keras defines
 * to compute the same out of other layers (run on the jvm path), so that a misreading the two paths' implementations
 * of the layer share cannot pass. Each seeded model takes the route a user's model takes (written as a Keras 3
 * {@code .keras} archive, read back, loaded); see {@link RandomModelParity} for what agreeing means.
 */
class KerasEquivalentParityTest {

    @TempDir
    Path tmp;

    /**
     * Each layer against a model Keras defines to compute the same: Rescaling and Normalization are a diagonal Dense,
     * Identity is nothing, GroupNormalization is a parameter-free LayerNormalization over each group's steps and
     * channels followed by a diagonal Dense with gamma and beta, 3-D layers that leave depth alone are their 2-D twins
     * per depth slice, a transposed convolution is its linear map as a Dense.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("layersWithEquivalents")
    void eachPathMatchesTheLayersEquivalent(EquivalentCase c) {
        ModelSpec[] models = c.models().apply(c.name());
        ModelSpec layerModel = roundTrip(tmp, models[0], c.name(), true);
        ModelSpec equivalentModel = roundTrip(tmp, models[1], c.name(), true);
        try (LoadedModel equivalent = PredictionPaths.load(equivalentModel, PredictionPath.JVM,
                RuntimeOptions.singleThreaded())) {
            for (PredictionPath path : PredictionPath.values()) {
                try (LoadedModel layer = PredictionPaths.load(layerModel, path, RuntimeOptions.singleThreaded())) {
                    assertAgree(c.name() + " on " + path.id(), layerModel, equivalent, layer, 4);
                }
            }
        }
    }

    /** Two models built from one seed: [0] holds the layer, [1] its equivalent (run on jvm as the reference). */
    record EquivalentCase(String name, Function<String, ModelSpec[]> models) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> layersWithEquivalents() {
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
                        KerasEquivalentParityTest::conv3DAsShiftedConv2Ds),
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

    @AfterAll
    static void printWorstCases() {
        RandomModelParity.printWorstCases();
    }
}
