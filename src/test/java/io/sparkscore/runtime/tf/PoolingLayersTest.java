package io.sparkscore.runtime.tf;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sparkscore.runtime.tf.TfTesting.assertClose;
import static io.sparkscore.runtime.tf.TfTesting.config;
import static io.sparkscore.runtime.tf.TfTesting.layer;
import static io.sparkscore.runtime.tf.TfTesting.predict;
import static io.sparkscore.runtime.tf.TfTesting.sequential;
import static io.sparkscore.runtime.tf.TfTesting.shape;

class PoolingLayersTest {

    private static final float[] GRID = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    @Test
    void averagePooling2DSameExcludesPaddingFromTheCount() {
        float[] out = predict(sequential(shape(3, 3, 1), layer("pool", "AveragePooling2D",
                config("pool_size", List.of(2, 2), "strides", List.of(2, 2), "padding", "same"))), 1, GRID);
        assertClose(out, 3, 4.5f, 7.5f, 9);
    }

    @Test
    void maxPooling2DSame() {
        float[] out = predict(sequential(shape(3, 3, 1), layer("pool", "MaxPooling2D",
                config("pool_size", 2, "padding", "same"))), 1, GRID);
        assertClose(out, 5, 6, 8, 9);
    }

    @Test
    void maxPooling1DDefaultsStridesToThePoolSize() {
        float[] out = predict(sequential(shape(5, 1), layer("pool", "MaxPooling1D",
                config("pool_size", 2, "strides", null, "padding", "valid"))), 1, 1, 3, 2, 5, 4);
        assertClose(out, 3, 5);
    }

    @Test
    void averagePooling1DSameWithStrideOne() {
        float[] out = predict(sequential(shape(3, 1), layer("pool", "AveragePooling1D",
                config("pool_size", 2, "strides", 1, "padding", "same"))), 1, 1, 2, 4);
        assertClose(out, 1.5f, 3, 4);
    }

    @Test
    void globalPoolingReducesSpatialAxesAndCanKeepThem() {
        float[] in = {1, -1, 2, -2, 3, -3};
        assertClose(predict(sequential(shape(3, 2), layer("g", "GlobalAveragePooling1D", config())), 1, in), 2, -2);
        assertClose(predict(sequential(shape(3, 2), layer("g", "GlobalMaxPooling1D", config("keepdims", true))),
                1, in), 3, -1);
        assertClose(predict(sequential(shape(2, 3), layer("g", "GlobalMaxPooling1D",
                config("data_format", "channels_first"))), 1, in), 2, 3);
        assertClose(predict(sequential(shape(1, 3, 2), layer("g", "GlobalAveragePooling2D", config())), 1, in),
                2, -2);
    }

    @Test
    void pooling3D() {
        float[] in = {1, 5, 2, 4, 3, 7, 6, 8};
        assertClose(predict(sequential(shape(2, 2, 2, 1), layer("pool", "MaxPooling3D", config("pool_size", 2))),
                1, in), 8);
        assertClose(predict(sequential(shape(2, 2, 2, 1), layer("pool", "AveragePooling3D",
                config("pool_size", List.of(2, 2, 2)))), 1, in), 4.5f);
    }
}
