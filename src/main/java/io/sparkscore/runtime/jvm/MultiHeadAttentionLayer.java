package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.MultiHeadAttentionOptions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keras MultiHeadAttention (see {@link MultiHeadAttentionOptions}) per row: the query, key and value projections as
 * matrix products over the last axis into (positions, heads · size) scratch, the query scaled by 1/sqrt(key_dim);
 * then, per group of positions that share their non-attention axes and per head, each query position's softmax over
 * the group's key positions (causally masked when the call asks) and the weighted sum of their values; then the
 * output projection from (positions, heads · value_dim). With Keras masks (one per input after the inputs, on inputs
 * of shape (positions, features)), a score is lowered by 1e9 where the query's, the value's or a separate key's mask
 * masks its position, as Keras' attention mask combines them: a masked query position attends uniformly.
 */
final class MultiHeadAttentionLayer implements JvmLayer {

    private final int heads;
    private final int keyDim;
    private final int valueDim;
    private final boolean causal;
    private final boolean separateKey;
    private final float queryScale;
    private final Projection query;
    private final Projection key;
    private final Projection value;
    private final Projection output;
    /** Per group, the query's and the key's positions (flat, row-major) in attention order. */
    private final int[][] queryGroups;
    private final int[][] keyGroups;
    private final int queryPositions;
    private final int keyPositions;
    private final int keyRows;
    /** Whether the inputs are followed by their masks. */
    private final boolean masked;
    private final int tensors;

    MultiHeadAttentionLayer(LayerSpec layer, List<int[]> inShapes, boolean causalCall, boolean masked) {
        MultiHeadAttentionOptions o = MultiHeadAttentionOptions.of(layer, 3);
        int[] q = inShapes.get(0);
        int[] v = inShapes.get(1);
        int[] k = inShapes.size() > 2 ? inShapes.get(2) : v;
        this.separateKey = inShapes.size() > 2;
        this.heads = o.numHeads();
        this.keyDim = o.keyDim();
        this.valueDim = o.valueDim();
        this.queryScale = (float) (1.0 / Math.sqrt(keyDim));
        int[] axes = o.rowAttentionAxes(layer.config(), q.length);
        this.causal = causalCall;
        this.masked = masked;
        this.tensors = inShapes.size();
        if ((causal || masked) && q.length != 2) {
            throw layer.config().unsupported("masks and use_causal_mask are supported on inputs of shape (batch,"
                    + " positions, features) only, but the query has shape (batch, " + q.length + " more)");
        }
        int[] qPos = Arrays.copyOf(q, q.length - 1);
        int[] kPos = Arrays.copyOf(v, v.length - 1);
        this.queryPositions = Weights.size(qPos);
        this.keyPositions = Weights.size(kPos);
        this.keyRows = k[k.length - 1];
        boolean bias = o.useBias();
        this.query = new Projection(layer, "query", q[q.length - 1], heads * keyDim, new int[] {q[q.length - 1],
                heads, keyDim}, new int[] {heads, keyDim}, bias);
        this.key = new Projection(layer, "key", keyRows, heads * keyDim, new int[] {keyRows, heads, keyDim},
                new int[] {heads, keyDim}, bias);
        this.value = new Projection(layer, "value", v[v.length - 1], heads * valueDim, new int[] {v[v.length - 1],
                heads, valueDim}, new int[] {heads, valueDim}, bias);
        int[] out = o.projectedOutput(q);
        int[] outKernel = new int[2 + out.length];
        outKernel[0] = heads;
        outKernel[1] = valueDim;
        System.arraycopy(out, 0, outKernel, 2, out.length);
        this.output = new Projection(layer, "attention_output", heads * valueDim, Weights.size(out), outKernel, out,
                bias);
        this.queryGroups = groups(qPos, axes);
        this.keyGroups = groups(kPos, axes);
    }

    /** Positions grouped by their non-attention indices; within a group in row-major order of the attention axes. */
    private static int[][] groups(int[] positions, int[] axes) {
        int n = Weights.size(positions);
        int[] strides = IndexMaps.strides(positions);
        List<List<Integer>> byKey = new ArrayList<>();
        List<Integer> keys = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            int groupKey = 0;
            for (int d = 0; d < positions.length; d++) {
                int axis = d;
                if (Arrays.stream(axes).noneMatch(a -> a == axis)) {
                    groupKey = groupKey * positions[d] + (p / strides[d]) % positions[d];
                }
            }
            int at = keys.indexOf(groupKey);
            if (at < 0) {
                keys.add(groupKey);
                byKey.add(new ArrayList<>());
                at = keys.size() - 1;
            }
            byKey.get(at).add(p);
        }
        int[][] r = new int[byKey.size()][];
        for (int g = 0; g < r.length; g++) {
            r[g] = byKey.get(g).stream().mapToInt(Integer::intValue).toArray();
        }
        return r;
    }

    @Override
    public int scratchSize(int rows) {
        return queryPositions * heads * keyDim + keyPositions * heads * (keyDim + valueDim)
                + queryPositions * heads * valueDim + keyPositions;
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] out, float[] scratch, int scratchOffset) {
        int qs = scratchOffset;
        int ks = qs + queryPositions * heads * keyDim;
        int vs = ks + keyPositions * heads * keyDim;
        int cs = vs + keyPositions * heads * valueDim;
        int ss = cs + queryPositions * heads * valueDim;
        float[] v = inputs[1];
        float[] k = separateKey ? inputs[2] : v;
        int qRow = queryPositions * query.in;
        int kRow = keyPositions * key.in;
        int vRow = keyPositions * value.in;
        int outRow = queryPositions * output.units;
        float[] queryMask = masked ? inputs[tensors] : null;
        float[] valueMask = masked ? inputs[tensors + 1] : null;
        float[] keyMask = masked && separateKey ? inputs[tensors + 2] : null;
        for (int r = 0; r < rows; r++) {
            query.apply(inputs[0], r * qRow, queryPositions, scratch, qs);
            key.apply(k, r * kRow, keyPositions, scratch, ks);
            value.apply(v, r * vRow, keyPositions, scratch, vs);
            for (int e = 0; e < queryPositions * heads * keyDim; e++) {
                scratch[qs + e] *= queryScale;
            }
            for (int g = 0; g < queryGroups.length; g++) {
                int[] qp = queryGroups[g];
                int[] kp = keyGroups[g];
                for (int h = 0; h < heads; h++) {
                    for (int i = 0; i < qp.length; i++) {
                        int qi = qs + (qp[i] * heads + h) * keyDim;
                        for (int j = 0; j < kp.length; j++) {
                            int kj = ks + (kp[j] * heads + h) * keyDim;
                            float s = 0;
                            for (int d = 0; d < keyDim; d++) {
                                s += scratch[kj + d] * scratch[qi + d];
                            }
                            scratch[ss + j] = s;
                            if (masked && !(causal && j > i) && (queryMask[r * queryPositions + qp[i]] == 0f
                                    || valueMask[r * keyPositions + kp[j]] == 0f
                                    || keyMask != null && keyMask[r * keyPositions + kp[j]] == 0f)) {
                                // lowered once where causality hides it too, as Keras' combined mask does
                                scratch[ss + j] += AttentionSoftmax.MASKED;
                            }
                        }
                        AttentionSoftmax.apply(scratch, ss, kp.length, causal ? i + 1 : kp.length);
                        int ci = cs + (qp[i] * heads + h) * valueDim;
                        Arrays.fill(scratch, ci, ci + valueDim, 0f);
                        for (int j = 0; j < kp.length; j++) {
                            float w = scratch[ss + j];
                            int vj = vs + (kp[j] * heads + h) * valueDim;
                            for (int d = 0; d < valueDim; d++) {
                                scratch[ci + d] += w * scratch[vj + d];
                            }
                        }
                    }
                }
            }
            output.apply(scratch, cs, queryPositions, out, r * outRow);
        }
    }

    /** One EinsumDense projection of MultiHeadAttention as a matrix product over the last (flattened) axis. */
    private static final class Projection {
        final int in;
        final int units;
        final float[] kernel;
        final float[] bias;

        Projection(LayerSpec layer, String sublayer, int in, int units, int[] kernelShape, int[] biasShape,
                   boolean useBias) {
            this.in = in;
            this.units = units;
            // Keras' kernel layouts (in, heads, size) and (heads, size, out...) are row-major (in, units) matrices
            this.kernel = Weights.require(layer, sublayer + "/kernel", kernelShape);
            this.bias = useBias ? Weights.require(layer, sublayer + "/bias", biasShape) : null;
        }

        void apply(float[] x, int xBase, int positions, float[] y, int yBase) {
            for (int p = 0; p < positions; p++) {
                int yo = yBase + p * units;
                if (bias != null) {
                    System.arraycopy(bias, 0, y, yo, units);
                } else {
                    Arrays.fill(y, yo, yo + units, 0f);
                }
                int xo = xBase + p * in;
                for (int i = 0; i < in; i++) {
                    float xv = x[xo + i];
                    int ko = i * units;
                    for (int u = 0; u < units; u++) {
                        y[yo + u] += xv * kernel[ko + u];
                    }
                }
            }
        }
    }
}
