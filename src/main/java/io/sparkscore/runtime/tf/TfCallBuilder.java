package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.NodeSpec;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A layer whose result depends on its call (the node's call arguments, such as {@code use_causal_mask}) and on the
 * Keras masks of several of its inputs (attention: the query's and the value's); it handles both itself and says
 * which mask its output carries.
 */
interface TfCallBuilder extends TfLayerBuilder {

    /** @param masks one per input, null where the input carries none */
    TfMasks.Masked buildCall(TfOps ops, LayerSpec layer, NodeSpec node, List<Operand<TFloat32>> inputs,
                             List<Operand<TFloat32>> masks);

    @Override
    default Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            names.add("input_" + i);
        }
        return buildCall(ops, layer, new NodeSpec(layer.name(), layer.name(), names), inputs,
                Collections.nCopies(inputs.size(), null)).output();
    }
}
