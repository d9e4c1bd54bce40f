package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.NormalizationOptions;

/**
 * Keras' Normalization preprocessing layer: {@code (x - mean) / std}, or {@code x * std + mean} with {@code invert},
 * the statistics of {@link NormalizationOptions} indexed by the position along the kept axes (every position shares
 * one for {@code axis=None}).
 */
final class StandardizationLayer implements JvmLayer {

    private final int rowSize;
    /** Per row position, the index of its mean and standard deviation. */
    private final int[] statisticOf;
    private final float[] mean;
    private final float[] std;
    private final boolean invert;

    StandardizationLayer(LayerSpec layer, int[] shape) {
        LayerConfig c = layer.config();
        NormalizationOptions o = NormalizationOptions.of(layer);
        this.rowSize = Weights.size(shape);
        int[] kept = o.rowAxes(c, shape.length);
        // the kept axes' positions are the "members" of a reduction over them, in row-major order
        int[][] reduction = IndexMaps.reduction(shape, kept);
        int n = reduction[1].length;
        this.statisticOf = new int[rowSize];
        for (int start : reduction[0]) {
            for (int k = 0; k < n; k++) {
                statisticOf[start + reduction[1][k]] = k;
            }
        }
        this.mean = o.means(c, n);
        this.std = o.standardDeviations(c, n);
        this.invert = o.invert();
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        for (int r = 0; r < rows; r++) {
            int base = r * rowSize;
            for (int p = 0; p < rowSize; p++) {
                int s = statisticOf[p];
                float x = in[base + p];
                output[base + p] = invert ? x * std[s] + mean[s] : (x - mean[s]) / std[s];
            }
        }
    }
}
