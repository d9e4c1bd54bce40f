package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Tensor;
import io.sparkscore.model.UnsupportedLayerException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.sparkscore.runtime.tf.TfTesting.assertClose;
import static io.sparkscore.runtime.tf.TfTesting.config;
import static io.sparkscore.runtime.tf.TfTesting.layer;
import static io.sparkscore.runtime.tf.TfTesting.predict;
import static io.sparkscore.runtime.tf.TfTesting.sequential;
import static io.sparkscore.runtime.tf.TfTesting.shape;
import static io.sparkscore.runtime.tf.TfTesting.tensor;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TfMasksTest {

    /** Index i embeds to the single value i (index 0 is the padding). */
    private static LayerSpec maskedEmbedding() {
        return layer("emb", "Embedding", config("input_dim", 4, "output_dim", 1, "mask_zero", true),
                tensor("embeddings", shape(4, 1), 0, 1, 2, 3));
    }

    private static LayerSpec linearRnn(String name, float kernel, float recurrent, Map<String, Object> extra) {
        Map<String, Object> cfg = new java.util.LinkedHashMap<>(config("units", 1, "activation", "linear"));
        cfg.putAll(extra);
        return layer(name, "SimpleRNN", cfg, tensor("kernel", shape(1, 1), kernel),
                tensor("recurrent_kernel", shape(1, 1), recurrent), tensor("bias", shape(1), 1));
    }

    @Test
    void maskZeroMakesAnRnnSkipPaddedSteps() {
        // h = x + 0.5 h + 1 over the unmasked steps 2 and 3 only: h1 = 3, h2 = 3 + 1.5 + 1 = 5.5
        float[] prePadded = predict(sequential(shape(4), maskedEmbedding(), linearRnn("rnn", 1, 0.5f, config())),
                1, 0, 0, 2, 3);
        float[] postPadded = predict(sequential(shape(4), maskedEmbedding(), linearRnn("rnn", 1, 0.5f, config())),
                1, 2, 3, 0, 0);
        assertClose(prePadded, 5.5f);
        assertClose(postPadded, 5.5f);
    }

    @Test
    void maskedStepsRepeatThePreviousOutputInAReturnedSequence() {
        float[] out = predict(sequential(shape(4, 1), layer("mask", "Masking", config("mask_value", 0.0)),
                linearRnn("rnn", 1, 0.5f, config("return_sequences", true))), 1, 0, 2, 0, 3);
        // step 0 masked: previous output is zero; step 1: h = 3; step 2 masked: 3; step 3: 3 + 1.5 + 1 = 5.5
        assertClose(out, 0, 3, 3, 5.5f);
    }

    @Test
    void bidirectionalReturningSequencesZeroesMaskedSteps() {
        LayerSpec bi = TfTesting.wrapper("bi", "Bidirectional", config("merge_mode", "concat"), List.of(
                linearRnn("f", 1, 0.5f, config("return_sequences", true)),
                linearRnn("b", 1, 0, config("return_sequences", true))));
        float[] out = predict(sequential(shape(3), maskedEmbedding(), bi), 1, 1, 0, 2);
        // forward: 2, (masked) 0, 2 + 1 + 1 = 4; backward (no recurrence): 2, 0, 3
        assertClose(out, 2, 2, 0, 0, 4, 3);
    }

    @Test
    void globalAveragePooling1DAveragesUnmaskedStepsOnly() {
        float[] out = predict(sequential(shape(4), maskedEmbedding(),
                layer("pool", "GlobalAveragePooling1D", config())), 1, 1, 3, 0, 0);
        assertClose(out, 2);
    }

    @Test
    void maskPassesThroughDense() {
        Tensor k = tensor("kernel", shape(1, 1), 2);
        float[] out = predict(sequential(shape(3), maskedEmbedding(),
                layer("d", "Dense", config("units", 1, "use_bias", false), k),
                layer("pool", "GlobalAveragePooling1D", config())), 1, 0, 1, 2);
        assertClose(out, 3);
    }

    @Test
    void aMaskReachingALayerThatCannotApplyItIsRefused() {
        assertThatThrownBy(() -> predict(sequential(shape(3), maskedEmbedding(), layer("f", "Flatten", config())),
                1, 1, 2, 0))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessageStartingWith("layer 'f' (Flatten): receives a Keras mask (from Masking or Embedding"
                        + " mask_zero=true)");
    }
}
