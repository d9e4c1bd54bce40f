package io.sparkscore.runtime.jvm;

import io.sparkscore.runtime.PredictionException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sparkscore.runtime.jvm.Specs.assertClose;
import static io.sparkscore.runtime.jvm.Specs.config;
import static io.sparkscore.runtime.jvm.Specs.layer;
import static io.sparkscore.runtime.jvm.Specs.run;
import static io.sparkscore.runtime.jvm.Specs.shape;
import static io.sparkscore.runtime.jvm.Specs.tensor;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NormalizationAndEmbeddingLayersTest {

    @Test
    void batchNormalizationUsesMovingStatisticsPerChannel() {
        // ch0: (x - 0.5) / 2 * 2 + 0; ch1: (x - 1) / 0.5 * 1 + 1
        var bn = layer("bn", "BatchNormalization", config("axis", -1, "epsilon", 0.0),
                tensor("gamma", shape(2), 2, 1), tensor("beta", shape(2), 0, 1),
                tensor("moving_mean", shape(2), 0.5f, 1), tensor("moving_variance", shape(2), 4, 0.25f));
        assertClose(run(shape(2, 2), bn, 1, 2, 3, 4), 0.5, 3, 2.5, 7);
    }

    @Test
    void batchNormalizationWithoutCenterAndScaleOnAListAxis() {
        var bn = layer("bn", "BatchNormalization", config("axis", List.of(1), "epsilon", 0.001, "center", false,
                "scale", false), tensor("moving_mean", shape(2), 1, 2), tensor("moving_variance", shape(2), 1, 1));
        // axis 1 of (2, 2) rows: the first non-batch axis
        double inv = 1 / Math.sqrt(1.001);
        assertClose(run(shape(2, 2), bn, 1, 1, 2, 2), 0, 0, 0, 0);
        assertClose(run(shape(2, 2), bn, 3, 3, 3, 3), 2 * inv, 2 * inv, inv, inv);
    }

    @Test
    void layerNormalizationUsesTheMeanOfSquaredDeviations() {
        var ln = layer("ln", "LayerNormalization", config("axis", -1, "epsilon", 0.0),
                tensor("gamma", shape(4), 1, 2, 1, 1), tensor("beta", shape(4), 0, 0, 0, 1));
        double sd = Math.sqrt(1.25);
        assertClose(run(shape(4), ln, 1, 2, 3, 4), -1.5 / sd, 2 * -0.5 / sd, 0.5 / sd, 1.5 / sd + 1);
    }

    @Test
    void layerNormalizationOverSeveralAxesWithoutCenter() {
        var ln = layer("ln", "LayerNormalization", config("axis", List.of(1, 2), "epsilon", 0.001, "center", false),
                tensor("gamma", shape(2, 2), 1, 1, 1, 2));
        double inv = 1 / Math.sqrt(1.25 + 0.001f);
        assertClose(run(shape(2, 2), ln, 1, 2, 3, 4), -1.5 * inv, -0.5 * inv, 0.5 * inv, 3 * inv);
    }

    @Test
    void embeddingLooksUpRowsOfTruncatedIndices() {
        var emb = layer("emb", "Embedding", config("input_dim", 3, "output_dim", 2),
                tensor("embeddings", shape(3, 2), 0, 1, 2, 3, 4, 5));
        assertClose(run(shape(3), emb, 2, 0, 1.7f), 4, 5, 0, 1, 2, 3);
    }

    @Test
    void embeddingRefusesAnIndexOutsideTheVocabulary() {
        var emb = layer("emb", "Embedding", config("input_dim", 3, "output_dim", 2),
                tensor("embeddings", shape(3, 2), 0, 1, 2, 3, 4, 5));
        assertThatThrownBy(() -> run(shape(2), emb, 1, 3))
                .isInstanceOf(PredictionException.class)
                .hasMessage("Embedding layer 'emb' got index 3.0 in row 0 of the batch, outside [0, 3); the input"
                        + " column must hold integer token ids below input_dim (check the vocabulary and the feature"
                        + " mapping)");
        assertThatThrownBy(() -> run(shape(1), emb, -1)).isInstanceOf(PredictionException.class)
                .hasMessageContaining("got index -1.0");
    }
}
