package io.sparkscore.model;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Keras layer: its class, configuration and float32 weights under canonical names.
 *
 * <p>Canonical weight names (readers map Keras' positional or {@code :0}-suffixed names onto these):
 * <ul>
 *   <li>Dense, Conv*, SimpleRNN, LSTM, GRU: {@code kernel}, {@code bias}, and for RNNs {@code recurrent_kernel}
 *       (LSTM gate order i, f, c, o; GRU z, r, h; GRU {@code reset_after} bias has shape (2, 3·units))</li>
 *   <li>SeparableConv: {@code depthwise_kernel}, {@code pointwise_kernel}, {@code bias};
 *       DepthwiseConv2D: {@code depthwise_kernel}, {@code bias}</li>
 *   <li>BatchNormalization: {@code gamma}, {@code beta}, {@code moving_mean}, {@code moving_variance};
 *       LayerNormalization: {@code gamma}, {@code beta} (absent when {@code scale}/{@code center} are off)</li>
 *   <li>Embedding: {@code embeddings}; PReLU: {@code alpha}</li>
 * </ul>
 * Wrappers keep their wrapped layers as {@link #children()}: Bidirectional has [forward, backward],
 * TimeDistributed has [inner].
 */
public record LayerSpec(String name, String className, LayerConfig config, Map<String, Tensor> weights,
                        List<LayerSpec> children) implements Serializable {

    public LayerSpec {
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        children = List.copyOf(children);
    }

    public LayerSpec(String name, String className, LayerConfig config, Map<String, Tensor> weights) {
        this(name, className, config, weights, List.of());
    }

    public boolean hasWeight(String weightName) {
        return weights.containsKey(weightName);
    }

    public Tensor weight(String weightName) {
        Tensor t = weights.get(weightName);
        if (t == null) {
            throw new UnsupportedLayerException(name, className,
                    "has no weight '" + weightName + "' (found " + weights.keySet() + ")");
        }
        return t;
    }

    /** Number of parameters, as Keras' summary counts them (wrapped layers included). */
    public long paramCount() {
        long n = 0;
        for (Tensor t : weights.values()) {
            n += t.size();
        }
        for (LayerSpec c : children) {
            n += c.paramCount();
        }
        return n;
    }

    public LayerSpec child(int index) {
        if (index >= children.size()) {
            throw new UnsupportedLayerException(name, className, "wraps no layer at position " + index);
        }
        return children.get(index);
    }

    @Override
    public String toString() {
        return name + " (" + className + ")";
    }
}
