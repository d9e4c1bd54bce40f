package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ShapeInference;

import java.util.List;

/**
 * Keras Concatenate along one axis: per row, the inputs' blocks below the axis are copied one after the other for
 * every position above it.
 */
final class ConcatenateLayer implements JvmLayer {

    private final int outer;
    /** Per input, the contiguous block it contributes to each outer position. */
    private final int[] blocks;
    private final int[] inRowSizes;

    ConcatenateLayer(LayerSpec layer, List<int[]> inShapes, int[] outShape) {
        int axis = ShapeInference.rowAxis(layer.config(), "axis", layer.config().getInt("axis", -1),
                outShape.length);
        int outerSize = 1;
        for (int d = 0; d < axis; d++) {
            outerSize *= outShape[d];
        }
        this.outer = outerSize;
        this.blocks = new int[inShapes.size()];
        this.inRowSizes = new int[inShapes.size()];
        for (int k = 0; k < blocks.length; k++) {
            inRowSizes[k] = Weights.size(inShapes.get(k));
            blocks[k] = inRowSizes[k] / outerSize;
        }
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        int o = 0;
        for (int r = 0; r < rows; r++) {
            for (int q = 0; q < outer; q++) {
                for (int k = 0; k < blocks.length; k++) {
                    int b = blocks[k];
                    System.arraycopy(inputs[k], r * inRowSizes[k] + q * b, output, o, b);
                    o += b;
                }
            }
        }
    }
}
