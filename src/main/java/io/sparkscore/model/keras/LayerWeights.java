package io.sparkscore.model.keras;

import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.layers.LayerRegistry;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Gives a layer's stored weight arrays their canonical names (see {@code LayerSpec}) and checks that the file holds
 * exactly the weights the layer's config calls for.
 */
final class LayerWeights {

    private LayerWeights() {
    }

    /** Keras 3: {@code vars/0, vars/1, ...} in creation order. */
    static void attachPositional(ConfigLayer layer, List<RawWeight> stored, String file, String where) {
        List<String> expected = LayerRegistry.weightNames(layer.className, layer.config);
        if (expected.size() != stored.size()) {
            throw mismatch(layer, expected, stored, file, where);
        }
        for (int i = 0; i < expected.size(); i++) {
            layer.weights.put(expected.get(i), stored.get(i).toTensor(expected.get(i)));
        }
    }

    /**
     * Keras 2 HDF5: takes, for each weight the layer needs, a remaining stored array whose name ends in it
     * ({@code dense_1/kernel:0 -> kernel}), preferring one whose path names the layer ({@code dense_1/...}), else the
     * first. The preference keeps the layers of a nested model apart where tf.keras lists frozen layers' weights
     * after the others; the fallback covers names that Keras made unique ({@code PReLU1_1/alpha:0} for layer
     * {@code PReLU1}).
     */
    static void takeByName(ConfigLayer layer, Deque<RawWeight> stored, String file, String where) {
        List<String> expected = LayerRegistry.weightNames(layer.className, layer.config);
        List<RawWeight> all = new ArrayList<>(stored);
        for (String name : expected) {
            RawWeight match = stored.stream()
                    .filter(w -> isNamed(w, layer.className, name) && namesLayer(w, layer.name))
                    .findFirst()
                    .orElseGet(() -> stored.stream().filter(w -> isNamed(w, layer.className, name))
                            .findFirst().orElse(null));
            if (match == null) {
                throw mismatch(layer, expected, all, file, where);
            }
            stored.remove(match);
            layer.weights.put(name, match.toTensor(name));
        }
    }

    private static boolean isNamed(RawWeight w, String className, String canonicalName) {
        if (canonicalName.contains("/")) {
            // a sublayer's weight (MultiHeadAttention's query/kernel): its scope names the sublayer
            String stored = w.storedName();
            int colon = stored.lastIndexOf(':');
            return (colon > 0 ? stored.substring(0, colon) : stored).endsWith("/" + canonicalName);
        }
        return w.baseName().equals(canonicalName) || w.baseName().equals(kerasVariableName(className, canonicalName));
    }

    private static boolean namesLayer(RawWeight w, String layerName) {
        return List.of(w.storedName().split("/")).contains(layerName);
    }

    /** Keras 3 names some variables differently from Keras 2 (its depthwise kernels are plain "kernel"). */
    private static String kerasVariableName(String className, String canonicalName) {
        return className.startsWith("DepthwiseConv") && "depthwise_kernel".equals(canonicalName) ? "kernel"
                : canonicalName;
    }

    static ModelFormatException mismatch(ConfigLayer layer, List<String> expected, List<RawWeight> stored,
                                         String file, String where) {
        List<String> found = new ArrayList<>();
        for (RawWeight w : stored) {
            found.add(w.storedName() + java.util.Arrays.toString(w.shape()));
        }
        return new ModelFormatException(file, "layer '" + layer.name + "' (" + layer.className + ") should have "
                + "the weights " + expected + " according to its config, but " + where + " holds " + found
                + "; the weights do not belong to this architecture");
    }
}
