package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ShapeInference;

/**
 * Keras LayerNormalization: per row, over the configured axes, {@code (x - mean) / sqrt(var + epsilon)} then
 * {@code * gamma + beta}. The variance is the mean of squared deviations from the mean, accumulated in double.
 * gamma and beta span the normalised axes in row-major order.
 */
final class LayerNormalizationLayer implements JvmLayer {

    private final int rowSize;
    private final int[] groupStarts;
    private final int[] memberOffsets;
    private final float epsilon;
    private final float[] gamma;
    private final float[] beta;

    LayerNormalizationLayer(LayerSpec layer, int[] shape) {
        LayerConfig c = layer.config();
        this.rowSize = Weights.size(shape);
        int[] axes = ShapeInference.rowAxes(c, "axis", -1, shape.length);
        int[][] reduction = IndexMaps.reduction(shape, axes);
        this.groupStarts = reduction[0];
        this.memberOffsets = reduction[1];
        this.epsilon = (float) c.getDouble("epsilon", 1e-3);
        int n = memberOffsets.length;
        this.gamma = c.getBoolean("scale", true) ? Weights.requireSize(layer, "gamma", n) : null;
        this.beta = c.getBoolean("center", true) ? Weights.requireSize(layer, "beta", n) : null;
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        int n = memberOffsets.length;
        for (int r = 0; r < rows; r++) {
            int row = r * rowSize;
            for (int start : groupStarts) {
                int base = row + start;
                double sum = 0;
                for (int m : memberOffsets) {
                    sum += in[base + m];
                }
                double mean = sum / n;
                double squares = 0;
                for (int m : memberOffsets) {
                    double d = in[base + m] - mean;
                    squares += d * d;
                }
                double inv = 1 / Math.sqrt(squares / n + epsilon);
                for (int k = 0; k < n; k++) {
                    int p = base + memberOffsets[k];
                    double y = (in[p] - mean) * inv;
                    if (gamma != null) {
                        y *= gamma[k];
                    }
                    if (beta != null) {
                        y += beta[k];
                    }
                    output[p] = (float) y;
                }
            }
        }
    }
}
