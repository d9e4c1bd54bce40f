package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

import java.util.List;

/**
 * Turns one Keras layer application into TensorFlow ops with Keras' inference semantics. One implementation per
 * layer family; implementations are stateless.
 */
interface TfLayerBuilder {

    /**
     * Checks the layer's configuration and weights without building anything, so that a whole model is refused
     * before its graph exists.
     *
     * @throws io.sparkscore.model.UnsupportedLayerException naming the option this path cannot reproduce
     */
    void validate(LayerSpec layer);

    /** Adds the layer's ops to the graph and returns its output; inputs carry a dynamic batch dimension. */
    Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs);
}
