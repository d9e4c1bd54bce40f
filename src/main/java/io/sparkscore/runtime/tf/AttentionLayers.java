package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.layers.AttentionOptions;
import io.sparkscore.model.layers.CallSignature;
import io.sparkscore.model.layers.EinsumDenseOptions;
import io.sparkscore.model.layers.EinsumEquation;
import io.sparkscore.model.layers.MultiHeadAttentionOptions;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.types.TFloat32;

import java.util.Arrays;
import java.util.List;

/**
 * EinsumDense and the attention layers (Attention, AdditiveAttention, MultiHeadAttention) on the tf path, as
 * TensorFlow einsums with Keras' order of operations: masked scores are lowered by 1e9 before the softmax, as Keras'
 * attention and Softmax layers do.
 */
final class AttentionLayers {

    /** What Keras subtracts from (adds to) the score of a masked position. */
    private static final double MASKED_SCORE = 1e9;

    private AttentionLayers() {
    }

    /** {@code count} einsum letters from {@code first} on. */
    private static String letters(char first, int count) {
        StringBuilder r = new StringBuilder();
        for (int i = 0; i < count; i++) {
            r.append((char) (first + i));
        }
        return r.toString();
    }

    private static Operand<TFloat32> einsum(TfOps ops, String equation, Operand<TFloat32> a, Operand<TFloat32> b) {
        return ops.tf().linalg.einsum(List.of(a, b), equation);
    }

    /** A (1 keep, 0 masked) float mask turned into what Keras adds to the scores: 0 or -1e9. */
    private static Operand<TFloat32> adder(TfOps ops, Operand<TFloat32> keep) {
        return ops.mul(ops.sub(ops.scalar(1), keep), ops.scalar(-MASKED_SCORE));
    }

    /** The (tq, tv) lower-triangular keep mask: position i attends to positions j <= i. */
    private static Operand<TFloat32> causalKeep(TfOps ops, int tq, int tv) {
        float[] keep = new float[tq * tv];
        for (int i = 0; i < tq; i++) {
            for (int j = 0; j <= i && j < tv; j++) {
                keep[i * tv + j] = 1;
            }
        }
        return ops.constant(new int[] {tq, tv}, keep);
    }

    /** EinsumDense: {@code activation(einsum(equation, x, kernel) + bias)}. */
    static final class EinsumDense implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            EinsumDenseOptions.of(layer, 3);
            layer.weight("kernel");
            if (layer.config().has("bias_axes")) {
                layer.weight("bias");
            }
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            EinsumDenseOptions o = EinsumDenseOptions.of(layer, ops.kerasMajor());
            EinsumEquation eq = o.resolve(layer.config(), TfOps.shape(inputs.get(0)));
            requireShape(layer, "kernel", eq.kernelShape());
            Operand<TFloat32> y = einsum(ops, eq.explicit(), inputs.get(0), ops.constant(layer.weight("kernel")));
            if (eq.biasShape() != null) {
                requireShape(layer, "bias", eq.biasShape());
                y = ops.add(y, ops.constant(eq.biasShape(), layer.weight("bias").data()));
            }
            return TfActivations.apply(ops, o.activation(), y);
        }
    }

    static void requireShape(LayerSpec layer, String weight, int[] expected) {
        int[] found = layer.weight(weight).shape();
        if (!Arrays.equals(found, expected)) {
            throw layer.config().unsupported("weight '" + weight + "' has shape " + Arrays.toString(found)
                    + " but the layer's options and input need " + Arrays.toString(expected));
        }
    }

    /** Attention and AdditiveAttention over {@code [query, value(, key)]}. */
    static final class DenseAttention implements TfCallBuilder {
        @Override
        public void validate(LayerSpec layer) {
            AttentionOptions o = AttentionOptions.of(layer, 3);
            if (o.useScale() && !o.additive()) {
                requireShape(layer, "scale", new int[0]);
            }
            if (o.concat()) {
                requireShape(layer, "concat_score_weight", new int[0]);
            }
        }

        @Override
        public TfMasks.Masked buildCall(TfOps ops, LayerSpec layer, NodeSpec node, List<Operand<TFloat32>> inputs,
                                        List<Operand<TFloat32>> masks) {
            AttentionOptions o = AttentionOptions.of(layer, ops.kerasMajor());
            Operand<TFloat32> q = inputs.get(0);
            Operand<TFloat32> v = inputs.get(1);
            Operand<TFloat32> k = inputs.size() > 2 ? inputs.get(2) : v;
            Operand<TFloat32> queryMask = masks.get(0);
            Operand<TFloat32> valueMask = masks.get(1);
            int rank = TfOps.rank(q);
            if (rank == 2) {
                // no position axis: the row attends to itself alone (see AttentionOptions), weight 1
                return new TfMasks.Masked(v, queryMask);
            }
            Ops tf = ops.tf();
            String lead = letters('a', rank - 2);
            Operand<TFloat32> scores;
            if (!o.additive() && !o.concat()) {
                scores = einsum(ops, lead + "qd," + lead + "kd->" + lead + "qk", q, k);
                if (o.useScale()) {
                    scores = ops.mul(scores, ops.constant(layer.weight("scale")));
                }
            } else {
                Operand<TFloat32> sum = ops.add(tf.expandDims(q, ops.scalarInt(-2)),
                        tf.expandDims(k, ops.scalarInt(-3)));
                if (o.useScale() && !o.additive()) {
                    sum = ops.mul(ops.constant(layer.weight("scale")), sum);
                }
                Operand<TFloat32> t = tf.math.tanh(sum);
                if (o.useScale() && o.additive()) {
                    t = ops.mul(ops.constant(layer.weight("scale")), t);
                }
                scores = tf.sum(t, ops.scalarInt(-1), Sum.keepDims(false));
                if (o.concat()) {
                    scores = ops.mul(ops.constant(layer.weight("concat_score_weight")), scores);
                }
            }
            int[] qs = TfOps.shape(q);
            int[] vs = TfOps.shape(v);
            Operand<TFloat32> keep = null;
            if (valueMask != null) {
                keep = tf.expandDims(valueMask, ops.scalarInt(-2));
            }
            if (o.causal(node)) {
                Operand<TFloat32> causal = causalKeep(ops, qs[qs.length - 2], vs[vs.length - 2]);
                keep = keep == null ? causal : ops.mul(keep, causal);
            }
            if (keep != null) {
                scores = ops.add(scores, adder(ops, keep));
            }
            Operand<TFloat32> weights = tf.nn.softmax(scores);
            Operand<TFloat32> result = einsum(ops, lead + "qk," + lead + "kd->" + lead + "qd", weights, v);
            if (queryMask != null) {
                result = ops.mul(result, tf.expandDims(queryMask, ops.scalarInt(-1)));
            }
            return new TfMasks.Masked(result, queryMask);
        }
    }

    /** MultiHeadAttention over query, value and optionally key. */
    static final class MultiHeadAttention implements TfCallBuilder {
        @Override
        public void validate(LayerSpec layer) {
            MultiHeadAttentionOptions.of(layer, 3);
        }

        @Override
        public TfMasks.Masked buildCall(TfOps ops, LayerSpec layer, NodeSpec node, List<Operand<TFloat32>> inputs,
                                        List<Operand<TFloat32>> masks) {
            MultiHeadAttentionOptions o = MultiHeadAttentionOptions.of(layer, ops.kerasMajor());
            Ops tf = ops.tf();
            Operand<TFloat32> query = inputs.get(0);
            Operand<TFloat32> value = inputs.get(1);
            boolean separateKey = inputs.size() > 2;
            Operand<TFloat32> key = separateKey ? inputs.get(2) : value;
            int[] qs = TfOps.shape(query);
            int rowRank = qs.length;
            int[] axes = o.rowAttentionAxes(layer.config(), rowRank);
            boolean causal = node.flag(CallSignature.USE_CAUSAL_MASK, false);
            boolean masked = masks.stream().anyMatch(m -> m != null);
            int[] out = o.projectedOutput(qs);
            if (rowRank > 12 || out.length > 7) {
                throw layer.config().unsupported("query of shape (batch, " + rowRank + " more) or output_shape of "
                        + out.length + " dimensions has more axes than the tf path's einsum notation spells");
            }
            if ((causal || masked) && rowRank != 2) {
                throw layer.config().unsupported("masks and use_causal_mask are supported on inputs of shape (batch,"
                        + " positions, features) only, but the query has shape (batch, " + rowRank + " more)");
            }
            int heads = o.numHeads();
            requireShape(layer, "query/kernel", new int[] {qs[rowRank - 1], heads, o.keyDim()});
            requireShape(layer, "key/kernel", new int[] {TfOps.shape(key)[rowRank - 1], heads, o.keyDim()});
            requireShape(layer, "value/kernel", new int[] {TfOps.shape(value)[rowRank - 1], heads, o.valueDim()});
            int[] outKernel = new int[2 + out.length];
            outKernel[0] = heads;
            outKernel[1] = o.valueDim();
            System.arraycopy(out, 0, outKernel, 2, out.length);
            requireShape(layer, "attention_output/kernel", outKernel);
            // positions: letters b.. ; heads N, size H; features d
            String positions = letters('b', rowRank - 1);
            Operand<TFloat32> q = project(ops, layer, "query", query, positions);
            Operand<TFloat32> k = project(ops, layer, "key", key, positions);
            Operand<TFloat32> v = project(ops, layer, "value", value, positions);
            q = ops.mul(q, ops.scalar(1.0 / Math.sqrt(o.keyDim())));

            // key positions get their own letters along the attention axes
            StringBuilder source = new StringBuilder();
            StringBuilder batchLike = new StringBuilder("a");
            StringBuilder queryAttention = new StringBuilder();
            StringBuilder keyAttention = new StringBuilder();
            char fresh = 'p';
            for (int i = 0; i < positions.length(); i++) {
                char p = positions.charAt(i);
                int axis = i;
                if (Arrays.stream(axes).anyMatch(a -> a == axis)) {
                    source.append(fresh);
                    queryAttention.append(p);
                    keyAttention.append(fresh);
                    fresh++;
                } else {
                    source.append(p);
                    batchLike.append(p);
                }
            }
            String target = "a" + positions + "NH";
            String keyNotation = "a" + source + "NH";
            String product = batchLike + "N" + queryAttention + keyAttention;
            Operand<TFloat32> scores = einsum(ops, keyNotation + "," + target + "->" + product, k, q);
            if (causal || masked) {
                scores = ops.add(scores, adder(ops, keep(ops, qs, TfOps.shape(value), masks, separateKey, causal)));
            }
            int scoresRank = product.length();
            int[] normAxes = new int[axes.length];
            for (int i = 0; i < axes.length; i++) {
                normAxes[i] = scoresRank - axes.length + i;
            }
            Operand<TFloat32> weights = ActivationLayers.Softmax.softmax(ops, scores, normAxes);
            Operand<TFloat32> context = einsum(ops, product + "," + keyNotation + "->" + target, weights, v);
            String outLetters = letters('s', out.length);
            Operand<TFloat32> y = einsum(ops, "a" + positions + "NH,NH" + outLetters + "->a" + positions + outLetters,
                    context, ops.constant(layer.weight("attention_output/kernel")));
            if (o.useBias()) {
                y = ops.add(y, ops.constant(layer.weight("attention_output/bias")));
            }
            return new TfMasks.Masked(y, masks.get(0));
        }

        private static Operand<TFloat32> project(TfOps ops, LayerSpec layer, String sublayer, Operand<TFloat32> x,
                                                 String positions) {
            Operand<TFloat32> y = einsum(ops, "a" + positions + "d,dNH->a" + positions + "NH", x,
                    ops.constant(layer.weight(sublayer + "/kernel")));
            if (MultiHeadAttentionOptions.of(layer, 3).useBias()) {
                y = ops.add(y, ops.constant(layer.weight(sublayer + "/bias")));
            }
            return y;
        }

        /**
         * The (batch, 1, T, S) keep mask of rank-3 inputs, as Keras builds it: the query's mask over T, the value's
         * (and a separate key's) over S, and the causal lower triangle, all combined; the heads axis broadcasts.
         */
        private static Operand<TFloat32> keep(TfOps ops, int[] qs, int[] vs, List<Operand<TFloat32>> masks,
                                              boolean separateKey, boolean causal) {
            Ops tf = ops.tf();
            Operand<TFloat32> keep = null;
            if (masks.get(0) != null) {
                keep = tf.expandDims(masks.get(0), ops.scalarInt(-1));
            }
            for (int i = 1; i < masks.size(); i++) {
                if (masks.get(i) != null && (i == 1 || separateKey)) {
                    Operand<TFloat32> m = tf.expandDims(masks.get(i), ops.scalarInt(-2));
                    keep = keep == null ? m : ops.mul(keep, m);
                }
            }
            if (causal) {
                Operand<TFloat32> c = causalKeep(ops, qs[0], vs[0]);
                keep = keep == null ? c : ops.mul(keep, c);
            }
            // (batch, T, S) or (T, S) -> broadcast over the heads axis
            return tf.expandDims(keep, ops.scalarInt(-3));
        }
    }
}
