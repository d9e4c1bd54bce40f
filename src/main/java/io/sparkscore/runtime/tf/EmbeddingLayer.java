package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.List;

/**
 * Embedding: indices arrive as floats and are truncated to int32, as Keras casts them. With mask_zero the mask of
 * index 0 is added by {@link TfMasks}.
 */
final class EmbeddingLayer implements TfLayerBuilder {
    @Override
    public void validate(LayerSpec layer) {
        if (layer.weight("embeddings").rank() != 2) {
            throw layer.config().unsupported("weight 'embeddings' should have shape [input_dim, output_dim]");
        }
    }

    @Override
    public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
        Operand<TInt32> indices = ops.tf().dtypes.cast(inputs.get(0), TInt32.class);
        return ops.tf().gather(ops.constant(layer.weight("embeddings")), indices, ops.scalarInt(0));
    }
}
