package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ShapeInference;

import java.util.Arrays;
import java.util.List;

/**
 * Keras' element-wise merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum) over any number of inputs,
 * broadcast as Keras does: a lower-rank input gains unit axes after the batch axis, and axes of size 1 stretch.
 */
final class ElementwiseMergeLayer implements JvmLayer {

    private enum Op { ADD, SUBTRACT, MULTIPLY, AVERAGE, MAXIMUM, MINIMUM }

    private final Op op;
    private final int outRowSize;
    private final int[] inRowSizes;
    /** Per input, the source position of each output position; null where the input already has the output shape. */
    private final int[][] sourceOf;

    ElementwiseMergeLayer(LayerSpec layer, List<int[]> inShapes, int[] outShape) {
        this.op = switch (layer.className()) {
            case "Add" -> Op.ADD;
            case "Subtract" -> Op.SUBTRACT;
            case "Multiply" -> Op.MULTIPLY;
            case "Average" -> Op.AVERAGE;
            case "Maximum" -> Op.MAXIMUM;
            case "Minimum" -> Op.MINIMUM;
            default -> throw new IllegalArgumentException(layer.className());
        };
        if (op == Op.SUBTRACT && inShapes.size() != 2) {
            throw layer.config().unsupported("Subtract needs exactly 2 inputs but has " + inShapes.size());
        }
        this.outRowSize = Weights.size(outShape);
        this.inRowSizes = new int[inShapes.size()];
        this.sourceOf = new int[inShapes.size()][];
        for (int k = 0; k < inShapes.size(); k++) {
            inRowSizes[k] = Weights.size(inShapes.get(k));
            if (!Arrays.equals(inShapes.get(k), outShape)) {
                int[] expanded = ShapeInference.withLeadingUnits(inShapes.get(k), outShape.length);
                sourceOf[k] = IndexMaps.broadcast(expanded, outShape);
            }
        }
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        for (int r = 0; r < rows; r++) {
            int outBase = r * outRowSize;
            for (int p = 0; p < outRowSize; p++) {
                float acc = value(inputs, 0, r, p);
                for (int k = 1; k < inputs.length; k++) {
                    float v = value(inputs, k, r, p);
                    acc = switch (op) {
                        case ADD, AVERAGE -> acc + v;
                        case SUBTRACT -> acc - v;
                        case MULTIPLY -> acc * v;
                        case MAXIMUM -> Math.max(acc, v);
                        case MINIMUM -> Math.min(acc, v);
                    };
                }
                output[outBase + p] = op == Op.AVERAGE ? acc / inputs.length : acc;
            }
        }
    }

    private float value(float[][] inputs, int k, int row, int p) {
        int[] map = sourceOf[k];
        return inputs[k][row * inRowSizes[k] + (map == null ? p : map[p])];
    }
}
