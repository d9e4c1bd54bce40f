package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;

/** Keras GlobalMax/AveragePooling1D/2D, channels_last: one value per channel over all positions of a row. */
final class GlobalPoolingLayer implements JvmLayer {

    private final boolean max;
    private final int positions;
    private final int channels;

    GlobalPoolingLayer(LayerSpec layer, int[] inShape) {
        this.max = layer.className().startsWith("GlobalMax");
        this.channels = inShape[inShape.length - 1];
        this.positions = Weights.size(inShape) / channels;
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        for (int r = 0; r < rows; r++) {
            int inBase = r * positions * channels;
            int o = r * channels;
            for (int ch = 0; ch < channels; ch++) {
                output[o + ch] = max ? Float.NEGATIVE_INFINITY : 0f;
            }
            for (int p = 0; p < positions; p++) {
                int x = inBase + p * channels;
                for (int ch = 0; ch < channels; ch++) {
                    output[o + ch] = max ? Math.max(output[o + ch], in[x + ch]) : output[o + ch] + in[x + ch];
                }
            }
            if (!max) {
                for (int ch = 0; ch < channels; ch++) {
                    output[o + ch] /= positions;
                }
            }
        }
    }
}
