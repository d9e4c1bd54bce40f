package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ShapeInference;

/**
 * Keras' Softmax layer over one or several axes: {@code exp(x - logsumexp(x, axes))}, shifted by each group's
 * maximum for stability.
 */
final class SoftmaxLayer implements JvmLayer {

    private final int rowSize;
    private final int[] groupStarts;
    private final int[] memberOffsets;

    SoftmaxLayer(LayerSpec layer, int[] shape) {
        this.rowSize = Weights.size(shape);
        int[] axes = ShapeInference.rowAxes(layer.config(), "axis", -1, shape.length);
        int[][] reduction = IndexMaps.reduction(shape, axes);
        this.groupStarts = reduction[0];
        this.memberOffsets = reduction[1];
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        for (int r = 0; r < rows; r++) {
            int row = r * rowSize;
            for (int start : groupStarts) {
                int base = row + start;
                float max = Float.NEGATIVE_INFINITY;
                for (int m : memberOffsets) {
                    max = Math.max(max, in[base + m]);
                }
                double sum = 0;
                for (int m : memberOffsets) {
                    sum += Math.exp(in[base + m] - max);
                }
                for (int m : memberOffsets) {
                    output[base + m] = (float) (Math.exp(in[base + m] - max) / sum);
                }
            }
        }
    }
}
