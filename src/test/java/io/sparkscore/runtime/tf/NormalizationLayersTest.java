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
import static org.assertj.core.api.Assertions.assertThat;

class NormalizationLayersTest {

    @Test
    void batchNormalizationUsesMovingStatistics() {
        float[] out = predict(sequential(shape(2), layer("bn", "BatchNormalization", config("axis", -1,
                        "epsilon", 0.01, "center", true, "scale", true),
                tensor("gamma", shape(2), 2, 1), tensor("beta", shape(2), 1, 0),
                tensor("moving_mean", shape(2), 1, -1), tensor("moving_variance", shape(2), 3.99f, 0.24f))), 1, 5, 0);
        // (5 - 1) / sqrt(4) * 2 + 1 = 5;  (0 + 1) / sqrt(0.25) * 1 + 0 = 2
        assertClose(out, 5, 2);
    }

    @Test
    void batchNormalizationOnTheChannelAxisOfChannelsFirstWithoutScaleOrCenter() {
        float[] out = predict(sequential(shape(2, 2), layer("bn", "BatchNormalization", config("axis", List.of(1),
                        "epsilon", 0.0, "center", false, "scale", false),
                tensor("moving_mean", shape(2), 1, 10), tensor("moving_variance", shape(2), 4, 1))), 1, 3, 5, 11, 12);
        assertClose(out, 1, 2, 1, 2);
    }

    @Test
    void layerNormalizationOverTheLastAxisAndOverSeveralAxes() {
        float[] out = predict(sequential(shape(1, 2), layer("ln", "LayerNormalization", config("axis", -1,
                "epsilon", 0.0), tensor("gamma", shape(2), 1, 2), tensor("beta", shape(2), 0, 1))), 1, 1, 3);
        // mean 2, variance 1: (-1, 1) * gamma + beta
        assertClose(out, -1, 3);
        float[] both = predict(sequential(shape(2, 2), layer("ln", "LayerNormalization", config("axis", List.of(1, 2),
                "epsilon", 0.0, "center", false, "scale", false))), 1, 1, 1, 3, 3);
        assertClose(both, -1, -1, 1, 1);
    }

    @Test
    void refusesRmsScaling() {
        assertThat(TfSupport.whyUnsupported(layer("ln", "LayerNormalization", config("rms_scaling", true),
                tensor("gamma", shape(1), 1), tensor("beta", shape(1), 0))))
                .contains("rms_scaling=true is not supported (its formula changed between Keras 3 releases)");
    }

    @Test
    void embeddingLooksUpTruncatedIndices() {
        float[] out = predict(sequential(shape(3), layer("emb", "Embedding", config("input_dim", 3, "output_dim", 2),
                tensor("embeddings", shape(3, 2), 0, 0.5f, 1, 1.5f, 2, 2.5f))), 1, 2, 0, 1.9f);
        assertClose(out, 2, 2.5f, 0, 0.5f, 1, 1.5f);
    }

    @Test
    void unitNormalizationScalesToUnitLength() {
        assertClose(predict(sequential(shape(2), layer("u", "UnitNormalization", config("axis", -1))), 1, 3, 4),
                0.6f, 0.8f);
    }

    @Test
    void groupNormalizationNormalisesEachChannelGroupOverAllPositions() {
        // (2 steps, 4 channels), 2 groups: group 0 = channels 0-1 {1, 2, 5, 6}, group 1 = channels 2-3 {3, 4, 7, 8}
        float[] out = predict(sequential(shape(2, 4), layer("g", "GroupNormalization", config("groups", 2,
                        "axis", -1, "epsilon", 0.0),
                tensor("gamma", shape(4), 1, 1, 2, 2), tensor("beta", shape(4), 0, 0, 0, 1))),
                1, 1, 2, 3, 4, 5, 6, 7, 8);
        float sd = (float) Math.sqrt(4.25);
        assertClose(out, -2.5f / sd, -1.5f / sd, 2 * -2.5f / sd, 2 * -1.5f / sd + 1,
                1.5f / sd, 2.5f / sd, 2 * 1.5f / sd, 2 * 2.5f / sd + 1);
    }
}
