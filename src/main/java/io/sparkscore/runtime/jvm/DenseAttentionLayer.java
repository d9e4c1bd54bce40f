package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.AttentionOptions;

import java.util.List;

/**
 * Keras Attention and AdditiveAttention (see {@link AttentionOptions}) on {@code [query, value(, key)]} of per-row
 * shape (lead..., positions, features): per leading index and query position, the scores over the value positions
 * (causally masked when asked), their softmax, and the weighted sum of the values. Inputs without a position axis
 * give the value, as Keras does for a batch of one row. With Keras masks (one per input after the inputs, as
 * {@link MaskRules} plans them) masked value positions are lowered by 1e9 before the softmax and masked query
 * positions' outputs are zeroed, as Keras' {@code Attention} does; the key's own mask is not read (Keras uses the
 * value's).
 */
final class DenseAttentionLayer implements JvmLayer {

    private final AttentionOptions options;
    private final boolean causal;
    private final int lead;
    private final int tq;
    private final int tv;
    private final int dim;
    private final int valueDim;
    private final boolean separateKey;
    private final float scale;
    private final float[] scales;
    private final float concatWeight;
    /** Whether the inputs are followed by their masks. */
    private final boolean masked;
    private final int tensors;

    DenseAttentionLayer(LayerSpec layer, List<int[]> inShapes, boolean causalCall, boolean masked) {
        this.options = AttentionOptions.of(layer, 3);
        this.causal = causalCall || options.causal();
        int[] q = inShapes.get(0);
        int[] v = inShapes.get(1);
        int n = q.length;
        this.separateKey = inShapes.size() > 2;
        this.masked = masked;
        this.tensors = inShapes.size();
        this.dim = q[n - 1];
        this.valueDim = v[n - 1];
        this.tq = n > 1 ? q[n - 2] : 0;
        this.tv = n > 1 ? v[n - 2] : 0;
        this.lead = n > 2 ? Weights.size(java.util.Arrays.copyOf(q, n - 2)) : 1;
        boolean vectorScale = options.additive() && options.useScale();
        this.scales = vectorScale ? Weights.require(layer, "scale", dim) : null;
        this.scale = options.useScale() && !vectorScale ? Weights.require(layer, "scale")[0] : 1f;
        this.concatWeight = options.concat() ? Weights.require(layer, "concat_score_weight")[0] : 1f;
    }

    @Override
    public int scratchSize(int rows) {
        return tv;
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] q = inputs[0];
        float[] v = inputs[1];
        float[] k = separateKey ? inputs[2] : v;
        if (tq == 0) {
            System.arraycopy(v, 0, output, 0, rows * valueDim);
            return;
        }
        float[] queryMask = masked ? inputs[tensors] : null;
        float[] valueMask = masked ? inputs[tensors + 1] : null;
        for (int block = 0; block < rows * lead; block++) {
            int qBase = block * tq * dim;
            int kBase = block * tv * dim;
            int vBase = block * tv * valueDim;
            int oBase = block * tq * valueDim;
            for (int i = 0; i < tq; i++) {
                for (int j = 0; j < tv; j++) {
                    scratch[scratchOffset + j] = score(q, qBase + i * dim, k, kBase + j * dim);
                    // a position both causally hidden and masked is lowered once, as Keras' combined mask does
                    if (valueMask != null && valueMask[block * tv + j] == 0f && !(causal && j > i)) {
                        scratch[scratchOffset + j] += AttentionSoftmax.MASKED;
                    }
                }
                AttentionSoftmax.apply(scratch, scratchOffset, tv, causal ? i + 1 : tv);
                int o = oBase + i * valueDim;
                java.util.Arrays.fill(output, o, o + valueDim, 0f);
                if (queryMask != null && queryMask[block * tq + i] == 0f) {
                    continue;
                }
                for (int j = 0; j < tv; j++) {
                    float w = scratch[scratchOffset + j];
                    int vj = vBase + j * valueDim;
                    for (int d = 0; d < valueDim; d++) {
                        output[o + d] += w * v[vj + d];
                    }
                }
            }
        }
    }

    private float score(float[] q, int qi, float[] k, int kj) {
        float s = 0;
        if (!options.additive() && !options.concat()) {
            for (int d = 0; d < dim; d++) {
                s += q[qi + d] * k[kj + d];
            }
            return s * scale;
        }
        for (int d = 0; d < dim; d++) {
            float sum = q[qi + d] + k[kj + d];
            s += options.additive() ? (scales == null ? 1f : scales[d]) * (float) Math.tanh(sum)
                    : (float) Math.tanh(scale * sum);
        }
        return options.concat() ? concatWeight * s : s;
    }
}
