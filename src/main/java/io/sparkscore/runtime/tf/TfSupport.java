package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.UnsupportedLayerException;

import java.util.Optional;

/**
 * Tells whether the tf path can score a layer exactly as Keras would, without building anything (no native code is
 * loaded). Used by {@code inspect} and by calibration to decide which paths a model may take. Thread-safe.
 */
public final class TfSupport {

    private TfSupport() {
    }

    /** Empty when the layer is supported; otherwise why not (which option, what value, what would work). */
    public static Optional<String> whyUnsupported(LayerSpec layer) {
        try {
            TfLayers.validated(layer);
            return Optional.empty();
        } catch (UnsupportedLayerException e) {
            String prefix = "layer '" + layer.name() + "' (" + layer.className() + "): ";
            String message = e.getMessage();
            return Optional.of(message.startsWith(prefix) ? message.substring(prefix.length()) : message);
        }
    }
}
