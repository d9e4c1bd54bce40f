package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

import java.util.List;

/**
 * A layer whose result depends on a Keras mask over the time steps of its first input (RNNs skip masked steps,
 * average pooling leaves them out). Masks are (batch, time) tensors of 1 (keep) and 0 (masked).
 */
interface MaskConsumer {

    Operand<TFloat32> buildMasked(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs, Operand<TFloat32> mask);

    /** The mask the layer hands on to the next layers, or null. */
    Operand<TFloat32> outputMask(LayerSpec layer, Operand<TFloat32> mask);
}
