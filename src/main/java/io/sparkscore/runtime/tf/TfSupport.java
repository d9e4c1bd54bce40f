package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.ShapeInference;
import io.sparkscore.model.UnsupportedLayerException;
import io.sparkscore.model.layers.LayerEntry;
import io.sparkscore.model.savedmodel.SavedModelOutput;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Tells whether the tf path can score a layer exactly as Keras would, without building anything (no native code is
 * loaded). Used by {@code inspect} and by calibration to decide which paths a model may take. Thread-safe.
 *
 * <p>{@link #whyUnsupported(LayerSpec)} checks one layer's class, options and weights;
 * {@link #whyUnsupported(ModelSpec)} the limits of the graph as a whole that the driver can check before any job
 * runs: more than 2 GiB of weights, an RNN over more than {@value RecurrentLayers#MAX_STEPS} steps. A Keras mask
 * reaching a layer that cannot apply it is checked for both paths by {@code PredictionPaths.unsupportedPaths}; a
 * Reshape that does not fit its input still surfaces in {@link TfModel#load}.
 */
public final class TfSupport {

    private static final Set<String> RECURRENT = Set.of("SimpleRNN", "LSTM", "GRU");

    private TfSupport() {
    }

    /** Empty when the graph of this (supported-layer) model can be built; otherwise which limit it passes. */
    public static Optional<String> whyUnsupported(ModelSpec spec) {
        if (TfSavedModel.isSavedModel(spec)) {
            return Optional.empty();
        }
        long weightBytes = spec.paramCount() * Float.BYTES;
        if (weightBytes > TfModel.MAX_CONSTANT_BYTES) {
            return Optional.of("the model has " + weightBytes + " bytes of weights but a TensorFlow graph can embed"
                    + " at most about 2 GiB of constants; score it on the jvm path");
        }
        Map<String, int[]> shapes;
        try {
            shapes = ShapeInference.infer(spec);
        } catch (ModelException e) {
            return Optional.empty(); // a model whose shapes do not infer is refused for both paths elsewhere
        }
        for (NodeSpec node : spec.nodes()) {
            LayerSpec layer = spec.layer(node.layerName());
            int[] input = node.inputs().isEmpty() ? null : shapes.get(node.inputs().get(0));
            if (unrolls(layer) && input != null && input.length == 2 && input[0] > RecurrentLayers.MAX_STEPS) {
                return Optional.of("layer '" + layer.name() + "' (" + layer.className() + "): a sequence of "
                        + input[0] + " steps is longer than the " + RecurrentLayers.MAX_STEPS + " steps the tf path"
                        + " unrolls; use the jvm path");
            }
        }
        return Optional.empty();
    }

    /** Recurrent layers, alone or wrapped in Bidirectional, are unrolled over the time axis. */
    private static boolean unrolls(LayerSpec layer) {
        return RECURRENT.contains(layer.className()) || layer.className().equals("Bidirectional")
                && !layer.children().isEmpty() && RECURRENT.contains(layer.child(0).className());
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
