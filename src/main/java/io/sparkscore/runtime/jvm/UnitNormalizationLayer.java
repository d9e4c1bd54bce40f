package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.UnitNormalizationOptions;

/** Keras UnitNormalization: {@code x / sqrt(max(sum(x^2), 1e-12))} over the configured axes, summed in double. */
final class UnitNormalizationLayer implements JvmLayer {

    private final int rowSize;
    private final int[] groupStarts;
    private final int[] memberOffsets;

    UnitNormalizationLayer(LayerSpec layer, int[] shape) {
        int[] axes = UnitNormalizationOptions.of(layer).rowAxes(layer.config(), shape.length);
        int[][] reduction = IndexMaps.reduction(shape, axes);
        this.rowSize = Weights.size(shape);
        this.groupStarts = reduction[0];
        this.memberOffsets = reduction[1];
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        for (int r = 0; r < rows; r++) {
            for (int start : groupStarts) {
                int base = r * rowSize + start;
                double squares = 0;
                for (int m : memberOffsets) {
                    squares += (double) in[base + m] * in[base + m];
                }
                double inv = 1 / Math.sqrt(Math.max(squares, UnitNormalizationOptions.MIN_SQUARE_SUM));
                for (int m : memberOffsets) {
                    output[base + m] = (float) (in[base + m] * inv);
                }
            }
        }
    }
}
