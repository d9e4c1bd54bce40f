package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.LayerEntry;
import io.sparkscore.model.savedmodel.SavedModelOutput;

import java.util.Optional;

/**
 * Tells whether the jvm path can run a layer, from its class and config alone, so that {@code inspect} and
 * calibration can show per-layer support without building a model. Stateless and thread-safe.
 */
public final class JvmSupport {

    private JvmSupport() {
    }

    /** Whether the jvm path has a builder for the registry entry (its options are checked per layer). */
    public static boolean builds(LayerEntry entry) {
        return JvmLayers.builds(entry);
    }

    /**
     * Empty when the jvm path runs {@code layer} exactly as Keras does at inference; otherwise a sentence such as
     * "LSTM with stateful=true is not supported on the jvm path (...)". Wrapped layers are checked too.
     */
    public static Optional<String> whyUnsupported(LayerSpec layer) {
        if (layer.className().equals(SavedModelOutput.CLASS_NAME)) {
            return Optional.of("a TensorFlow SavedModel runs only on the tf path");
        }
        return JvmLayers.whyUnsupported(layer);
    }
}
