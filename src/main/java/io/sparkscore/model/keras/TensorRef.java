package io.sparkscore.model.keras;

import io.sparkscore.model.JsonInts;
import io.sparkscore.model.ModelFormatException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A reference to a tensor in a Functional config: output {@code tensorIndex} of call {@code nodeIndex} of layer
 * {@code layer}, written {@code ["dense_1", 0, 0]} by every Keras version.
 */
record TensorRef(String layer, int nodeIndex, int tensorIndex) {

    String key() {
        return layer + "\u0000" + nodeIndex + "\u0000" + tensorIndex;
    }

    /** Reads a triple {@code [name, node, tensor]} (a fourth kwargs element is ignored here). */
    static TensorRef of(List<?> triple, String file) {
        Integer node = triple.size() < 3 ? null : JsonInts.exact(triple.get(1));
        Integer tensor = triple.size() < 3 ? null : JsonInts.exact(triple.get(2));
        if (triple.size() < 3 || !(triple.get(0) instanceof String name) || node == null || node < 0
                || tensor == null || tensor < 0) {
            throw new ModelFormatException(file, "malformed tensor reference " + triple
                    + " (expected [layer name, node index, tensor index])");
        }
        return new TensorRef(name, node, tensor);
    }

    /**
     * Collects references from {@code input_layers}/{@code output_layers}, which Keras writes as a list of triples,
     * a single triple, or (Keras 3, dict inputs) a map of triples.
     */
    static List<TensorRef> collect(Object structure, String file) {
        List<TensorRef> refs = new ArrayList<>();
        collect(structure, file, refs);
        return refs;
    }

    private static void collect(Object v, String file, List<TensorRef> out) {
        if (v instanceof List<?> l) {
            if (!l.isEmpty() && l.get(0) instanceof String) {
                out.add(of(l, file));
            } else {
                for (Object e : l) {
                    collect(e, file, out);
                }
            }
        } else if (v instanceof Map<?, ?> m) {
            for (Object e : m.values()) {
                collect(e, file, out);
            }
        } else if (v != null) {
            throw new ModelFormatException(file, "malformed input/output layer list entry " + v);
        }
    }

    @Override
    public String toString() {
        return "[" + layer + ", " + nodeIndex + ", " + tensorIndex + "]";
    }
}
