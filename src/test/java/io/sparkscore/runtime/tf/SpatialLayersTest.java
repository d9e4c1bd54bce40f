package io.sparkscore.runtime.tf;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sparkscore.runtime.tf.TfTesting.assertClose;
import static io.sparkscore.runtime.tf.TfTesting.config;
import static io.sparkscore.runtime.tf.TfTesting.layer;
import static io.sparkscore.runtime.tf.TfTesting.predict;
import static io.sparkscore.runtime.tf.TfTesting.sequential;
import static io.sparkscore.runtime.tf.TfTesting.shape;

class SpatialLayersTest {

    @Test
    void zeroPadding1DPadsBeforeAndAfter() {
        assertClose(predict(sequential(shape(2, 1), layer("p", "ZeroPadding1D", config("padding", List.of(1, 2)))),
                1, 5, 6), 0, 5, 6, 0, 0);
    }

    @Test
    void zeroPadding2DWithPerSidePairs() {
        float[] out = predict(sequential(shape(1, 2, 1), layer("p", "ZeroPadding2D",
                config("padding", List.of(List.of(1, 0), List.of(0, 1))))), 1, 1, 2);
        assertClose(out, 0, 0, 0, 1, 2, 0);
    }

    @Test
    void cropping1DAndCropping2D() {
        assertClose(predict(sequential(shape(4, 1), layer("c", "Cropping1D", config("cropping", List.of(1, 2)))),
                1, 1, 2, 3, 4), 2);
        assertClose(predict(sequential(shape(3, 3, 1), layer("c", "Cropping2D",
                        config("cropping", List.of(List.of(1, 0), List.of(0, 1))))), 1, 1, 2, 3, 4, 5, 6, 7, 8, 9),
                4, 5, 7, 8);
    }

    @Test
    void upSamplingNearestRepeatsEntries() {
        assertClose(predict(sequential(shape(2, 2), layer("u", "UpSampling1D", config("size", 2))), 1, 1, 2, 3, 4),
                1, 2, 1, 2, 3, 4, 3, 4);
        assertClose(predict(sequential(shape(2, 2, 1), layer("u", "UpSampling2D", config("size", List.of(1, 2)))),
                1, 1, 2, 3, 4), 1, 1, 2, 2, 3, 3, 4, 4);
        assertClose(predict(sequential(shape(1, 2, 2), layer("u", "UpSampling2D", config("size", List.of(2, 1),
                "data_format", "channels_first"))), 1, 1, 2, 3, 4), 1, 2, 1, 2, 3, 4, 3, 4);
    }

    @Test
    void upSampling2DBilinearUsesHalfPixelCentres() {
        // one row [0, 4] widened x2: sample points at x = -0.25, 0.25, 0.75, 1.25 clamp to [0, 1]
        assertClose(predict(sequential(shape(1, 2, 1), layer("u", "UpSampling2D", config("size", List.of(1, 2),
                "interpolation", "bilinear"))), 1, 0, 4), 0, 1, 3, 4);
    }
}
