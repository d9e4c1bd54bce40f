package io.sparkscore.runtime;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.UnsupportedLayerException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Keras mask reaching a layer that can neither hand it on nor apply it (Flatten, GlobalMaxPooling1D, whose Keras 2
 * refuses a mask and whose Keras 3 ignores it) is refused by both paths, and {@code inspect}'s verdict, checked on the
 * driver, says so with the reason loading gives.
 */
class KerasMaskRefusalTest {

    private static ModelSpec maskedInto(LayerSpec consumer) {
        RandomNet net = new RandomNet("mask_refused", 3);
        KerasLayers l = net.layers();
        return net.build(net.chain(net.input("x", 4, 2), l.masking(0.0), consumer));
    }

    @Test
    void aMaskReachingFlattenIsRefusedOnBothPathsBeforeLoading() {
        // Keras 3's GlobalMaxPooling1D drops a mask instead of being refused: MaskedGlobalMaxPoolingTest
        LayerSpec consumer = new RandomNet("layers", 3).layers().flatten();
        ModelSpec spec = maskedInto(consumer);
        Map<PredictionPath, String> refused = PredictionPaths.unsupportedPaths(spec);
        String why = "layer '" + consumer.name() + "' (" + consumer.className() + "): receives a Keras mask (from"
                + " Masking or Embedding mask_zero=true), which sparkscore applies only in SimpleRNN, LSTM, GRU,"
                + " Bidirectional, GlobalAveragePooling1D and the attention layers and passes on through"
                + " element-wise layers, Dense and merges";
        assertThat(refused).containsEntry(PredictionPath.TF, why).containsEntry(PredictionPath.JVM, why);
        for (PredictionPath path : PredictionPath.values()) {
            assertThatThrownBy(() -> PredictionPaths.load(spec, path, RuntimeOptions.singleThreaded()).close())
                    .as(path.id()).isInstanceOf(UnsupportedLayerException.class).hasMessage(why);
        }
    }

    @Test
    void aMaskAppliedByAnRnnLeavesBothPathsFree() {
        KerasLayers l = new RandomNet("layers", 3).layers();
        ModelSpec spec = maskedInto(l.lstm(2, 3, "tanh", "sigmoid", true, false, false));
        assertThat(PredictionPaths.unsupportedPaths(spec)).isEmpty();
    }
}
