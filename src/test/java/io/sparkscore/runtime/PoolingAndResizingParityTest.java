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
 * Random-model parity, pooling (windowed and global) and padding, cropping and upsampling. Each seeded model takes the
 * route a user's model takes (written as a Keras 3 {@code .keras} archive, read back, loaded on both paths); see {@link
 * RandomModelParity} for what agreeing means.
 */
class PoolingAndResizingParityTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @MethodSource({"pooling", "paddingAndResizing"})
    void bothPathsAgreeAfterAKerasRoundTrip(Case c) {
        RandomModelParity.check(tmp, c);
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
                model("GlobalAveragePooling2D", n -> globalPool(n, "Average", 2, false)),
                model("MaxPooling3D (2, 2, 2) valid", n -> pool3D(n, "Max", new int[] {2, 2, 2}, null, "valid")),
                model("AveragePooling3D (2, 3, 2) strides (1, 2, 2) same", n ->
                        pool3D(n, "Average", new int[] {2, 3, 2}, new int[] {1, 2, 2}, "same")),
                model("MaxPooling3D (3, 2, 2) strides (2, 1, 3) same", n ->
                        pool3D(n, "Max", new int[] {3, 2, 2}, new int[] {2, 1, 3}, "same")),
                model("GlobalMaxPooling3D keepdims", n -> globalPool(n, "Max", 3, true)),
                model("GlobalAveragePooling3D", n -> globalPool(n, "Average", 3, false)));
    }

    private static ModelSpec pool3D(RandomNet n, String kind, int[] pool, int[] strides, String padding) {
        String x = n.input("x", 4, 5, 5, 2);
        return n.build(n.call(n.layers().pooling(kind, pool, strides, padding), x));
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
        String x = rank == 1 ? n.input("x", 5, 3) : rank == 2 ? n.input("x", 4, 5, 3) : n.input("x", 3, 2, 4, 3);
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
                }),
                model("ZeroPadding3D ((1, 0), (0, 2), (1, 1)) then Conv3D", n -> {
                    KerasLayers l = n.layers();
                    return n.build(n.chain(n.input("x", 2, 3, 2, 2), l.padOrCrop3D("ZeroPadding3D", 1, 0, 0, 2, 1, 1),
                            l.conv(2, 2, new int[] {2, 2, 2}, new int[] {1, 1, 1}, "valid", new int[] {1, 1, 1}, 1,
                                    "linear", true)));
                }),
                model("Cropping3D ((0, 1), (1, 1), (2, 0))", n ->
                        n.build(n.call(n.layers().padOrCrop3D("Cropping3D", 0, 1, 1, 1, 2, 0),
                                n.input("x", 3, 4, 4, 2)))),
                model("UpSampling3D (2, 1, 3)", n ->
                        n.build(n.call(n.layers().upSampling3D(2, 1, 3), n.input("x", 2, 3, 2, 2)))));
    }

    @AfterAll
    static void printWorstCases() {
        RandomModelParity.printWorstCases();
    }
}
