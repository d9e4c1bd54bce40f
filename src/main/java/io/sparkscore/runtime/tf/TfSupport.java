package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.UnsupportedLayerException;
import io.sparkscore.model.layers.LayerEntry;
import io.sparkscore.model.savedmodel.SavedModelOutput;

import java.util.Optional;

/**
 * Tells whether the tf path can score a layer exactly as Keras would, without building anything (no native code is
 * loaded). Used by {@code inspect} and by calibration to decide which paths a model may take. Thread-safe.
 *
 * <p>Checks one layer's class, options and weights. A few limits depend on the graph and surface only in
 * {@link TfModel#load}: an RNN over more than {@value RecurrentLayers#MAX_STEPS} steps, a Reshape that does not fit
 * its input, a Keras mask reaching a layer that cannot apply it, and models with more than 2 GiB of weights.
 */
public final class TfSupport {

    private TfSupport() {
    }

    /** Whether the tf path has a builder for the registry entry (its options are checked per layer). */
    public static boolean builds(LayerEntry entry) {
        return TfLayers.builds(entry);
    }

    /** Empty when the layer is supported; otherwise why not (which option, what value, what would work). */
    public static Optional<String> whyUnsupported(LayerSpec layer) {
        if (layer.className().equals(SavedModelOutput.CLASS_NAME)) {
            return Optional.empty();
        }
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
