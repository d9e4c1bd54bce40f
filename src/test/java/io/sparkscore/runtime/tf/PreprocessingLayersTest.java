package io.sparkscore.runtime.tf;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sparkscore.runtime.tf.TfTesting.assertClose;
import static io.sparkscore.runtime.tf.TfTesting.config;
import static io.sparkscore.runtime.tf.TfTesting.layer;
import static io.sparkscore.runtime.tf.TfTesting.predict;
import static io.sparkscore.runtime.tf.TfTesting.sequential;
import static io.sparkscore.runtime.tf.TfTesting.shape;
import static io.sparkscore.runtime.tf.TfTesting.tensor;

class PreprocessingLayersTest {

    @Test
    void rescalingScalesThenOffsets() {
        assertClose(predict(sequential(shape(2), layer("r", "Rescaling", config("scale", 1.0 / 255, "offset", -1))),
                1, 255, 0), 0, -1);
        assertClose(predict(sequential(shape(2), layer("r", "Rescaling", config("scale", List.of(2, 3)))), 1, 1, 1),
                2, 3);
    }

    @Test
    void normalizationUsesAdaptedStatisticsPerFeature() {
        assertClose(predict(sequential(shape(2), layer("n", "Normalization", config("axis", -1),
                tensor("mean", shape(2), 1, -1), tensor("variance", shape(2), 4, 0))), 1, 5, 1), 2, 2e7f);
    }

    @Test
    void normalizationInvertAndGlobalStatisticsFromTheConfig() {
        assertClose(predict(sequential(shape(2), layer("n", "Normalization", config("axis", null, "mean", 1,
                "variance", 4, "invert", true))), 1, 1, -1), 3, -1);
    }
}
