package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The options of a MultiHeadAttention layer and the layout Keras gives its weights. Keras projects query, key and
 * value with EinsumDense sublayers ({@code query}, {@code key}, {@code value}: kernel (dim, heads, size), bias (heads,
 * size)), scales the projected query by {@code 1/sqrt(key_dim)}, takes per head a softmax over the key positions of
 * the attention axes, and projects the heads' values back with {@code attention_output} (kernel (heads, value_dim,
 * output...), bias (output...)), output being {@code output_shape} or the query's last dimension. Canonical weight
 * names are {@code <sublayer>/kernel} and {@code <sublayer>/bias}.
 *
 * @param attentionAxes the per-row axes of the query attention runs over (Keras' axes minus one)
 */
public record MultiHeadAttentionOptions(int numHeads, int keyDim, int valueDim, boolean useBias, int[] outputShape,
                                        int[] attentionAxes) implements LayerOptions {

    /** The projections in Keras' creation order. */
    public static final List<String> SUBLAYERS = List.of("query", "key", "value", "attention_output");

    /** Keras 3's attribute names of the projections, which name their groups in {@code model.weights.h5}. */
    private static final Map<String, String> KERAS3_ATTRIBUTES = Map.of("query", "query_dense", "key", "key_dense",
            "value", "value_dense", "attention_output", "output_dense");

    public static MultiHeadAttentionOptions of(LayerSpec layer, int kerasMajor) {
        LayerConfig c = layer.config();
        int heads = c.requireInt("num_heads");
        int keyDim = c.requireInt("key_dim");
        int valueDim = c.has("value_dim") ? c.getInt("value_dim", keyDim) : keyDim;
        if (heads < 1 || keyDim < 1 || valueDim < 1) {
            throw c.unsupported("num_heads, key_dim and value_dim must be positive but are " + heads + ", " + keyDim
                    + ", " + valueDim);
        }
        int[] out = c.raw("output_shape") == null ? null : c.raw("output_shape") instanceof Number
                ? new int[] {c.getInt("output_shape", 0)} : c.getInts("output_shape", 0, null);
        int[] axes = c.raw("attention_axes") == null ? null : c.raw("attention_axes") instanceof Number
                ? new int[] {c.getInt("attention_axes", 0)} : c.getInts("attention_axes", 0, null);
        return new MultiHeadAttentionOptions(heads, keyDim, valueDim, c.getBoolean("use_bias", true), out, axes);
    }

    /** Keras 3's group of a projection's variables inside the layer's group. */
    public static String keras3Attribute(String sublayer) {
        return KERAS3_ATTRIBUTES.get(sublayer);
    }

    /**
     * The per-row axes of a query of per-row rank {@code rowRank} that attention runs over: Keras' default is every
     * axis but the batch and the features; given axes count the batch as 0, negative ones from the end.
     */
    public int[] rowAttentionAxes(LayerConfig c, int rowRank) {
        if (attentionAxes == null) {
            int[] all = new int[rowRank - 1];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int[] r = new int[attentionAxes.length];
        for (int i = 0; i < r.length; i++) {
            int a = attentionAxes[i];
            // Keras normalises a negative axis against the projected rank, which has one more axis (the heads)
            int full = a >= 0 ? a : rowRank + 1 + a;
            if (full < 1 || full > rowRank - 1) {
                throw c.unsupported("attention_axes " + Arrays.toString(attentionAxes) + " names axis " + a
                        + ", which is not a position axis of a query of shape (batch, " + rowRank + " more)");
            }
            r[i] = full - 1;
        }
        int[] sorted = r.clone();
        Arrays.sort(sorted);
        if (!Arrays.equals(sorted, r) || Arrays.stream(r).distinct().count() != r.length) {
            throw c.unsupported("attention_axes " + Arrays.toString(attentionAxes) + " should name distinct axes in"
                    + " increasing order");
        }
        return r;
    }

    /** The output's trailing dimensions: {@code output_shape}, or the query's last dimension. */
    public int[] projectedOutput(int[] query) {
        return outputShape != null ? outputShape : new int[] {query[query.length - 1]};
    }

    /** Query, value and (optional) key: the query's shape with the last dimension replaced by the output's. */
    static int[] shape(LayerSpec layer, List<int[]> inputs) {
        LayerConfig c = layer.config();
        if (inputs.size() < 2 || inputs.size() > 3) {
            throw c.unsupported("MultiHeadAttention takes query, value and optionally key but is called on "
                    + inputs.size() + " tensors");
        }
        int[] q = inputs.get(0);
        int[] v = inputs.get(1);
        int[] k = inputs.size() > 2 ? inputs.get(2) : v;
        if (q.length < 2) {
            throw c.unsupported("query of shape " + Shapes.format(q) + " has no position axis; MultiHeadAttention"
                    + " needs (batch, positions..., features)");
        }
        if (v.length != q.length || k.length != q.length) {
            throw c.unsupported("query " + Shapes.format(q) + ", value " + Shapes.format(v) + " and key "
                    + Shapes.format(k) + " must have the same rank");
        }
        if (!Arrays.equals(Arrays.copyOf(v, v.length - 1), Arrays.copyOf(k, k.length - 1))) {
            throw c.unsupported("value " + Shapes.format(v) + " and key " + Shapes.format(k) + " must agree in every"
                    + " dimension but the last");
        }
        MultiHeadAttentionOptions o = of(layer, 3);
        int[] axes = o.rowAttentionAxes(c, q.length);
        for (int i = 0; i < q.length - 1; i++) {
            int axis = i;
            if (Arrays.stream(axes).noneMatch(a -> a == axis) && q[i] != v[i]) {
                throw c.unsupported("query " + Shapes.format(q) + " and value " + Shapes.format(v) + " differ along"
                        + " axis " + (i + 1) + ", which is not an attention axis");
            }
        }
        int[] out = o.projectedOutput(q);
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < q.length - 1; i++) {
            r.add(q[i]);
        }
        for (int d : out) {
            r.add(d);
        }
        return r.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Each projection's kernel, then its bias unless {@code use_bias} is false. */
    static List<String> weightNames(Map<String, Object> config) {
        boolean bias = !Boolean.FALSE.equals(config.get("use_bias"));
        List<String> names = new ArrayList<>();
        for (String s : SUBLAYERS) {
            names.add(s + "/kernel");
            if (bias) {
                names.add(s + "/bias");
            }
        }
        return names;
    }
}
