package io.sparkscore.runtime.tf;

import org.junit.jupiter.api.Test;

import static io.sparkscore.runtime.tf.TfTesting.config;
import static io.sparkscore.runtime.tf.TfTesting.layer;
import static io.sparkscore.runtime.tf.TfTesting.shape;
import static io.sparkscore.runtime.tf.TfTesting.tensor;
import static org.assertj.core.api.Assertions.assertThat;

class TfSupportTest {

    @Test
    void supportedLayerHasNoReason() {
        assertThat(TfSupport.whyUnsupported(layer("d", "Dense", config("units", 1, "activation", "gelu"),
                tensor("kernel", shape(2, 1), 1, 1), tensor("bias", shape(1), 0)))).isEmpty();
    }

    @Test
    void unknownClassListsTheSupportedOnes() {
        assertThat(TfSupport.whyUnsupported(layer("l", "Lambda", config()))).hasValueSatisfying(m -> assertThat(m)
                .startsWith("layer class 'Lambda' is not supported on the tf path; supported classes: ")
                .contains("Dense", "LSTM", "Conv2D"));
    }

    @Test
    void unsupportedOptionIsNamed() {
        assertThat(TfSupport.whyUnsupported(layer("d", "Dense", config("units", 1, "activation", "crelu"),
                tensor("kernel", shape(2, 1), 1, 1), tensor("bias", shape(1), 0))))
                .hasValueSatisfying(m -> assertThat(m).startsWith("activation 'crelu' is not supported"));
        assertThat(TfSupport.whyUnsupported(layer("c", "Conv1D", config("filters", 1, "kernel_size", 1,
                "padding", "full"), tensor("kernel", shape(1, 1, 1), 1), tensor("bias", shape(1), 0))))
                .contains("padding 'full' is not supported; expected one of [valid, same, causal]");
    }

    @Test
    void missingWeightIsReported() {
        assertThat(TfSupport.whyUnsupported(layer("d", "Dense", config("units", 1),
                tensor("kernel", shape(2, 1), 1, 1)))).contains("has no weight 'bias' (found [kernel])");
    }
}
