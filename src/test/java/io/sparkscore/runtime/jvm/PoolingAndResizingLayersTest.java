package io.sparkscore.runtime.jvm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sparkscore.runtime.jvm.Specs.assertClose;
import static io.sparkscore.runtime.jvm.Specs.config;
import static io.sparkscore.runtime.jvm.Specs.layer;
import static io.sparkscore.runtime.jvm.Specs.run;
import static io.sparkscore.runtime.jvm.Specs.shape;

class PoolingAndResizingLayersTest {

    @Test
    void maxPooling1dSameIgnoresThePaddedCell() {
        var pool = layer("p", "MaxPooling1D", config("pool_size", List.of(2), "padding", "same"));
        assertClose(run(shape(3, 1), pool, 1, 3, 5), 3, 5);
    }

    @Test
    void averagePooling1dSameDividesByTheRealCellsOnly() {
        var pool = layer("p", "AveragePooling1D", config("pool_size", 2, "strides", 2, "padding", "same"));
        assertClose(run(shape(3, 1), pool, 1, 3, 5), 2, 5);
    }

    @Test
    void averagePooling2dSameWithStride1() {
        var pool = layer("p", "AveragePooling2D", config("pool_size", List.of(2, 2), "strides", List.of(1, 1),
                "padding", "same"));
        assertClose(run(shape(2, 2, 1), pool, 1, 2, 3, 4), 2.5, 3, 3.5, 4);
    }

    @Test
    void maxPooling2dValidPerChannel() {
        var pool = layer("p", "MaxPooling2D", config("pool_size", 2));
        // 2x2x2 input, channel 1 is the negated channel 0
        assertClose(run(shape(2, 2, 2), pool, 1, -1, 4, -4, 2, -2, 3, -3), 4, -1);
    }

    @Test
    void globalPoolingReducesAllPositionsPerChannel() {
        assertClose(run(shape(3, 2), layer("g", "GlobalAveragePooling1D", config("keepdims", true)),
                1, 2, 3, 4, 5, 6), 3, 4);
        assertClose(run(shape(2, 1, 2), layer("g", "GlobalMaxPooling2D", config()), 1, 8, 3, 4), 3, 8);
    }

    @Test
    void zeroPaddingAndCropping() {
        assertClose(run(shape(2, 1), layer("z", "ZeroPadding1D", config("padding", List.of(1, 2))), 1, 2),
                0, 1, 2, 0, 0);
        assertClose(run(shape(1, 1, 1), layer("z", "ZeroPadding2D",
                config("padding", List.of(List.of(1, 0), List.of(0, 1)))), 5), 0, 0, 5, 0);
        assertClose(run(shape(3, 1), layer("c", "Cropping1D", config("cropping", List.of(1, 1))), 1, 2, 3), 2);
        assertClose(run(shape(2, 2, 1), layer("c", "Cropping2D",
                config("cropping", List.of(List.of(1, 0), List.of(0, 1)))), 1, 2, 3, 4), 3);
    }

    @Test
    void upSamplingNearestRepeatsValues() {
        assertClose(run(shape(2, 1), layer("u", "UpSampling1D", config("size", 2)), 1, 2), 1, 1, 2, 2);
        assertClose(run(shape(1, 2, 1), layer("u", "UpSampling2D", config("size", List.of(2, 1))), 1, 2),
                1, 2, 1, 2);
    }

    @Test
    void upSampling2dBilinearUsesHalfPixelCentres() {
        var up = layer("u", "UpSampling2D", config("size", List.of(2, 2), "interpolation", "bilinear"));
        assertClose(run(shape(1, 2, 1), up, 1, 3), 1, 1.5, 2.5, 3, 1, 1.5, 2.5, 3);
    }
}
