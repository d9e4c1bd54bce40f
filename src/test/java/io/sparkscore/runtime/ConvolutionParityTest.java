package io.sparkscore.runtime;

import io.sparkscore.model.ModelSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import static io.sparkscore.runtime.RandomModelParity.Case;
import static io.sparkscore.runtime.RandomModelParity.args;
import static io.sparkscore.runtime.RandomModelParity.model;

/**
 * Random-model parity, convolutions: Conv1D/2D/3D with padding, strides, dilation and groups, separable and
 * depthwise ones, and transposed convolutions. Each seeded model takes the route a user's model takes (written as a
 * Keras 3 {@code .keras} archive, read back, loaded on both paths); see {@link RandomModelParity} for what agreeing
 * means.
 */
class ConvolutionParityTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @MethodSource("convolutions")
    void bothPathsAgreeAfterAKerasRoundTrip(Case c) {
        RandomModelParity.check(tmp, c);
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
                model("Conv3D same (2, 3, 2) strides (1, 2, 2)", n -> conv3D(n, new int[] {2, 3, 2},
                        new int[] {1, 2, 2}, "same", new int[] {1, 1, 1})),
                model("Conv3D valid (2, 2, 3)", n -> conv3D(n, new int[] {2, 2, 3}, new int[] {1, 1, 1}, "valid",
                        new int[] {1, 1, 1})),
                model("Conv1DTranspose k3 stride 2 same", n -> transposed(n, new int[] {5, 3}, new int[] {3},
                        new int[] {2}, "same")),
                model("Conv1DTranspose k4 stride 2 same (padding on both sides)", n -> transposed(n,
                        new int[] {5, 3}, new int[] {4}, new int[] {2}, "same")),
                model("Conv1DTranspose k2 stride 3 valid (kernel narrower than the stride)", n -> transposed(n,
                        new int[] {4, 2}, new int[] {2}, new int[] {3}, "valid")),
                model("Conv2DTranspose (3, 3) strides (2, 2) same", n -> transposed(n, new int[] {3, 4, 2},
                        new int[] {3, 3}, new int[] {2, 2}, "same")),
                model("Conv2DTranspose (2, 3) strides (1, 2) valid", n -> transposed(n, new int[] {3, 3, 2},
                        new int[] {2, 3}, new int[] {1, 2}, "valid")),
                model("Conv3DTranspose (2, 2, 3) strides (2, 1, 2) same", n -> transposed(n,
                        new int[] {2, 3, 2, 2}, new int[] {2, 2, 3}, new int[] {2, 1, 2}, "same")),
                model("Conv3DTranspose (2, 1, 2) strides (1, 2, 1) valid", n -> transposed(n,
                        new int[] {2, 2, 3, 1}, new int[] {2, 1, 2}, new int[] {1, 2, 1}, "valid")),
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

    private static ModelSpec conv3D(RandomNet n, int[] kernel, int[] strides, String padding, int[] dilation) {
        String x = n.input("x", 4, 5, 4, 2);
        return n.build(n.call(n.layers().conv(2, 3, kernel, strides, padding, dilation, 1, "relu", true), x));
    }

    private static ModelSpec transposed(RandomNet n, int[] inShape, int[] kernel, int[] strides, String padding) {
        String x = n.input("x", inShape);
        return n.build(n.call(n.layers().convTranspose(inShape[inShape.length - 1], 3, kernel, strides, padding,
                "tanh"), x));
    }

    private static ModelSpec conv2D(RandomNet n, int filters, int[] kernel, int[] strides, String padding,
                                    int[] dilation, int groups) {
        int in = groups == 1 ? 3 : 2 * groups;
        String x = n.input("x", 7, 6, in);
        return n.build(n.call(n.layers().conv(in, filters, kernel, strides, padding, dilation, groups, "linear",
                true), x));
    }

    @AfterAll
    static void printWorstCases() {
        RandomModelParity.printWorstCases();
    }
}
