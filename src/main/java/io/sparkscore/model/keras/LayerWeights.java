package io.sparkscore.model.keras;

import io.sparkscore.model.ModelFormatException;

import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
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
        List<String> expected = LayerCatalog.weightNames(layer.className, layer.config);
        if (expected.size() != stored.size()) {
            throw mismatch(layer, expected, stored, file, where);
        }
        for (int i = 0; i < expected.size(); i++) {
            layer.weights.put(expected.get(i), stored.get(i).toTensor(expected.get(i)));
        }
    }

    /**
     * Keras 2 HDF5: takes, for each weight the layer needs, the first remaining stored array whose name ends in it
     * ({@code dense_1/kernel:0 -> kernel}). Taking the first match rather than the next array keeps the layers of a
     * nested model apart even where tf.keras lists all trainable weights before the non-trainable ones.
     */
    static void takeByName(ConfigLayer layer, Deque<RawWeight> stored, String file, String where) {
        List<String> expected = LayerCatalog.weightNames(layer.className, layer.config);
        List<RawWeight> all = new ArrayList<>(stored);
        for (String name : expected) {
            RawWeight match = null;
            for (Iterator<RawWeight> it = stored.iterator(); it.hasNext() && match == null; ) {
                RawWeight w = it.next();
                if (w.baseName().equals(name) || w.baseName().equals(kerasVariableName(layer.className, name))) {
                    match = w;
                    it.remove();
                }
            }
            if (match == null) {
                throw mismatch(layer, expected, all, file, where);
            }
            layer.weights.put(name, match.toTensor(name));
        }
    }

    /** Keras 3 names some variables differently from Keras 2 (its DepthwiseConv2D kernel is plain "kernel"). */
    private static String kerasVariableName(String className, String canonicalName) {
        return "DepthwiseConv2D".equals(className) && "depthwise_kernel".equals(canonicalName) ? "kernel"
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
