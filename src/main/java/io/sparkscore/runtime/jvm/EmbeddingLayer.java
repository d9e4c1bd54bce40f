package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.runtime.PredictionException;

/**
 * Keras Embedding: each input value, cast to an integer the way Keras casts float indices (toward zero), selects a
 * row of the embeddings matrix. An index outside {@code [0, input_dim)} fails the batch, as TensorFlow's gather does
 * on CPU, instead of producing a silent zero.
 */
final class EmbeddingLayer implements JvmLayer {

    private final String layerName;
    private final int indicesPerRow;
    private final int inputDim;
    private final int outputDim;
    private final float[] embeddings;

    EmbeddingLayer(LayerSpec layer, int[] inShape) {
        this.layerName = layer.name();
        this.indicesPerRow = Weights.size(inShape);
        this.inputDim = layer.config().requireInt("input_dim");
        this.outputDim = layer.config().requireInt("output_dim");
        this.embeddings = Weights.require(layer, "embeddings", inputDim, outputDim);
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        int n = rows * indicesPerRow;
        for (int i = 0; i < n; i++) {
            float v = in[i];
            int index = (int) v;
            if (!(v > -1f && index < inputDim)) {
                throw new PredictionException("Embedding layer '" + layerName + "' got index " + v + " in row "
                        + (i / indicesPerRow) + " of the batch, outside [0, " + inputDim + "); the input column"
                        + " must hold integer token ids below input_dim (check the vocabulary and the feature"
                        + " mapping)");
            }
            System.arraycopy(embeddings, index * outputDim, output, i * outputDim, outputDim);
        }
    }
}
