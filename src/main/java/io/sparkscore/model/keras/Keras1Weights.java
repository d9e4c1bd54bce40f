package io.sparkscore.model.keras;

import io.sparkscore.model.Tensor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts Keras 1.x weights to the fused Keras 2 layout: per-gate LSTM/GRU matrices ({@code lstm_1_W_i:0, ...})
 * are concatenated along their last axis in Keras 2's gate order (LSTM i, f, c, o; GRU z, r, h), and Keras 1's 4-d
 * Conv1D kernel {@code (length, 1, in, filters)} loses its unit axis.
 */
final class Keras1Weights {

    private static final List<String> LSTM_GATES = List.of("i", "f", "c", "o");
    private static final List<String> GRU_GATES = List.of("z", "r", "h");

    private Keras1Weights() {
    }

    static int count(ConfigLayer layer) {
        boolean bias = !Boolean.FALSE.equals(layer.config.get("use_bias"));
        return switch (layer.className) {
            case "LSTM" -> 12;
            case "GRU" -> 9;
            case "SimpleRNN" -> 3;
            case "Dense", "Conv1D", "Conv2D" -> bias ? 2 : 1;
            case "Embedding" -> 1;
            default -> 0;
        };
    }

    static void attach(ConfigLayer layer, List<RawWeight> stored, String file) {
        String cls = layer.className;
        if (stored.size() != count(layer)) {
            throw LayerWeights.mismatch(layer, List.of("the Keras 1 weights of a " + cls), stored, file,
                    "the file");
        }
        switch (cls) {
            case "LSTM", "GRU" -> {
                List<String> gates = "LSTM".equals(cls) ? LSTM_GATES : GRU_GATES;
                Map<String, RawWeight> byKey = new HashMap<>();
                for (RawWeight w : stored) {
                    String base = w.storedName().replaceFirst(":0$", "");
                    byKey.put(base.substring(base.length() - 3), w);
                }
                put(layer, "kernel", fuse(byKey, "W_", gates, layer, stored, file));
                put(layer, "recurrent_kernel", fuse(byKey, "U_", gates, layer, stored, file));
                put(layer, "bias", fuse(byKey, "b_", gates, layer, stored, file));
            }
            case "SimpleRNN" -> {
                put(layer, "kernel", stored.get(0));
                put(layer, "recurrent_kernel", stored.get(1));
                put(layer, "bias", stored.get(2));
            }
            case "Dense", "Conv2D" -> {
                put(layer, "kernel", stored.get(0));
                if (stored.size() > 1) {
                    put(layer, "bias", stored.get(1));
                }
            }
            case "Conv1D" -> {
                RawWeight w = stored.get(0);
                int[] s = w.shape();
                if (s.length != 4 || s[1] != 1) {
                    throw LayerWeights.mismatch(layer, List.of("W of shape (length, 1, in, filters)"), stored, file,
                            "the file");
                }
                layer.weights.put("kernel", new Tensor("kernel", new int[] {s[0], s[2], s[3]}, w.data()));
                if (stored.size() > 1) {
                    put(layer, "bias", stored.get(1));
                }
            }
            case "Embedding" -> put(layer, "embeddings", stored.get(0));
            default -> {
                // weightless layer
            }
        }
    }

    private static void put(ConfigLayer layer, String name, RawWeight w) {
        layer.weights.put(name, w.toTensor(name));
    }

    private static RawWeight fuse(Map<String, RawWeight> byKey, String kind, List<String> gates, ConfigLayer layer,
                                  List<RawWeight> stored, String file) {
        RawWeight[] parts = new RawWeight[gates.size()];
        for (int g = 0; g < parts.length; g++) {
            parts[g] = byKey.get(kind + gates.get(g));
            if (parts[g] == null) {
                throw LayerWeights.mismatch(layer, List.of("per-gate weights " + kind + gates), stored, file,
                        "the file");
            }
        }
        return concatLastAxis(kind, parts);
    }

    /** Concatenates arrays of equal leading shape along the last axis. */
    static RawWeight concatLastAxis(String name, RawWeight... parts) {
        int[] shape = parts[0].shape().clone();
        int rank = shape.length;
        int rows = 1;
        for (int i = 0; i < rank - 1; i++) {
            rows *= shape[i];
        }
        int total = 0;
        for (RawWeight p : parts) {
            total += p.shape()[rank - 1];
        }
        shape[rank - 1] = total;
        float[] out = new float[rows * total];
        int offset = 0;
        for (RawWeight p : parts) {
            int width = p.shape()[rank - 1];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(p.data(), r * width, out, r * total + offset, width);
            }
            offset += width;
        }
        return new RawWeight(name, shape, out);
    }
}
