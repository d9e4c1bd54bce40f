package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Shapes;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The options of the dense attention layers, Attention (Luong: {@code score_mode} dot, {@code q·k} times the scalar
 * {@code scale} when {@code use_scale}; or concat, {@code concat_score_weight · Σ tanh(scale·(q + k))}) and
 * AdditiveAttention (Bahdanau: {@code Σ scale ⊙ tanh(q + k)}, {@code scale} a vector over the features). Both take
 * {@code [query, value]} or {@code [query, value, key]} (key defaults to value), mask the scores of masked value
 * positions and, with {@code use_causal_mask} (a call argument; tf.keras' deprecated {@code causal} option means the
 * same), of later positions by subtracting 1e9, take a softmax over the value positions, return the weighted sum of
 * the values and zero the rows of masked query positions. {@code dropout} only acts in training.
 *
 * <p>On tensors without a position axis (per-row rank 1, e.g. Attention on the output of a Dense), tf.keras' matmul
 * treats the batch as the positions: each row would attend to every row of the batch Keras was called on, so the
 * result depends on how rows are batched. sparkscore scores such a layer as Keras does for a batch of one row
 * (Keras' {@code predict(x, batch_size=1)}), the only result that is a function of the row alone: the softmax over
 * the single score is 1 and the output is the row's value.
 */
public record AttentionOptions(boolean additive, boolean useScale, boolean concat, boolean causal)
        implements LayerOptions {

    public static AttentionOptions of(LayerSpec layer, int kerasMajor) {
        LayerConfig c = layer.config();
        boolean additive = layer.className().equals("AdditiveAttention");
        String mode = c.getString("score_mode", "dot");
        if (additive ? c.has("score_mode") : !mode.equals("dot") && !mode.equals("concat")) {
            throw c.unsupported("score_mode '" + mode + "' is not one of dot, concat");
        }
        return new AttentionOptions(additive, c.getBoolean("use_scale", additive), mode.equals("concat"),
                c.getBoolean("causal", false));
    }

    /** Whether a call applies the causal mask: the call argument, or tf.keras' deprecated config option. */
    public boolean causal(io.sparkscore.model.NodeSpec node) {
        return causal || node.flag(CallSignature.USE_CAUSAL_MASK, false);
    }

    /** The output: the query's shape with the value's feature size. */
    static int[] shape(LayerSpec layer, List<int[]> inputs) {
        LayerConfig c = layer.config();
        if (inputs.size() < 2 || inputs.size() > 3) {
            throw c.unsupported(layer.className() + " takes [query, value] or [query, value, key] but is called on "
                    + inputs.size() + " tensors");
        }
        int[] q = inputs.get(0);
        int[] v = inputs.get(1);
        int[] k = inputs.size() > 2 ? inputs.get(2) : v;
        if (v.length != q.length || k.length != q.length) {
            throw c.unsupported("query " + Shapes.format(q) + ", value " + Shapes.format(v) + " and key "
                    + Shapes.format(k) + " must have the same rank");
        }
        if (q[q.length - 1] != k[k.length - 1]) {
            throw c.unsupported("query " + Shapes.format(q) + " and key " + Shapes.format(k) + " must have the same"
                    + " feature size");
        }
        int n = q.length;
        if (n > 1 && !Arrays.equals(Arrays.copyOf(v, n - 1), Arrays.copyOf(k, n - 1))) {
            throw c.unsupported("value " + Shapes.format(v) + " and key " + Shapes.format(k) + " must have the same"
                    + " positions");
        }
        if (n > 2 && !Arrays.equals(Arrays.copyOf(q, n - 2), Arrays.copyOf(v, n - 2))) {
            throw c.unsupported("query " + Shapes.format(q) + " and value " + Shapes.format(v) + " must agree in"
                    + " every dimension before the positions");
        }
        int[] out = q.clone();
        out[n - 1] = v[n - 1];
        return out;
    }

    /** {@code scale} when {@code use_scale}, then Attention's {@code concat_score_weight} in concat mode. */
    static List<String> weightNames(String className, Map<String, Object> config) {
        boolean additive = className.equals("AdditiveAttention");
        Object useScale = config.get("use_scale");
        boolean scale = useScale == null ? additive : Boolean.TRUE.equals(useScale);
        boolean concat = !additive && "concat".equals(config.get("score_mode"));
        return scale && concat ? List.of("scale", "concat_score_weight") : scale ? List.of("scale")
                : concat ? List.of("concat_score_weight") : List.of();
    }
}
