package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;

/**
 * Keras GlobalMax/AveragePooling1D/2D/3D, channels_last: one value per channel over all positions of a row. With a
 * Keras mask (GlobalAveragePooling1D only: a (steps) row of 1 = keep, 0 = masked, as the node's second input) the
 * mean is {@code sum(x * mask) / sum(mask)}, as Keras computes it (NaN when every step is masked).
 */
final class GlobalPoolingLayer implements JvmLayer {

    private final boolean max;
    private final int positions;
    private final int channels;
    private final boolean masked;

    GlobalPoolingLayer(LayerSpec layer, int[] inShape, boolean masked) {
        this.max = layer.className().startsWith("GlobalMax");
        this.channels = inShape[inShape.length - 1];
        this.positions = Weights.size(inShape) / channels;
        if (masked && (max || inShape.length != 2)) {
            throw layer.config().unsupported("a Keras mask is applied only by GlobalAveragePooling1D");
        }
        this.masked = masked;
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        float[] mask = masked ? inputs[1] : null;
        for (int r = 0; r < rows; r++) {
            int inBase = r * positions * channels;
            int o = r * channels;
            for (int ch = 0; ch < channels; ch++) {
                output[o + ch] = max ? Float.NEGATIVE_INFINITY : 0f;
            }
            float kept = 0f;
            for (int p = 0; p < positions; p++) {
                int x = inBase + p * channels;
                float m = mask == null ? 1f : mask[r * positions + p];
                kept += m;
                for (int ch = 0; ch < channels; ch++) {
                    output[o + ch] = max ? Math.max(output[o + ch], in[x + ch])
                            : output[o + ch] + (mask == null ? in[x + ch] : in[x + ch] * m);
                }
            }
            if (!max) {
                for (int ch = 0; ch < channels; ch++) {
                    output[o + ch] /= kept;
                }
            }
        }
    }
}
