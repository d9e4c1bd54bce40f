package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Shapes;
import io.sparkscore.model.categorical.CategoricalOutputMode;
import io.sparkscore.model.layers.CategoricalOutput;

import java.util.Arrays;

/**
 * StringLookup, IntegerLookup, Hashing, Discretization and CategoryEncoding on the jvm path: each value's index
 * ({@link CategoricalOutput#index}) written as {@code output_mode} asks; an index outside [0, depth) (a dropped
 * mask token, an out-of-range CategoryEncoding value) contributes nothing, as TensorFlow's one-hot leaves it out.
 */
final class CategoricalLayer implements JvmLayer {

    private final CategoricalOutput options;
    private final int valuesPerRow;
    private final int sampleLength;
    private final int outPerRow;

    CategoricalLayer(LayerSpec layer, int[] inShape) {
        this.options = CategoricalOutput.of(layer);
        this.valuesPerRow = Math.toIntExact(Shapes.size(inShape));
        this.sampleLength = options.sampleLength(inShape);
        this.outPerRow = Math.toIntExact(Shapes.size(options.outputShape(inShape)));
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        CategoricalOutputMode mode = options.mode();
        int depth = options.depth();
        if (mode == CategoricalOutputMode.INT) {
            for (int i = 0; i < rows * valuesPerRow; i++) {
                output[i] = options.index(in[i]);
            }
            return;
        }
        Arrays.fill(output, 0, rows * outPerRow, 0f);
        for (int i = 0; i < rows * valuesPerRow; i++) {
            int index = options.index(in[i]);
            if (index < 0 || index >= depth) {
                continue;
            }
            // one_hot: a block per value; the others: a block per sample of sampleLength values
            int block = mode == CategoricalOutputMode.ONE_HOT ? i : i / sampleLength;
            int at = block * depth + index;
            boolean counts = mode == CategoricalOutputMode.COUNT || mode == CategoricalOutputMode.TF_IDF;
            output[at] = counts ? output[at] + 1f : 1f;
        }
        if (mode == CategoricalOutputMode.TF_IDF) {
            // count times weight, in the order TensorFlow multiplies them
            float[] idf = options.idfWeights();
            for (int i = 0; i < rows * outPerRow; i++) {
                output[i] *= idf[i % depth];
            }
        }
    }
}
