package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

import java.util.Arrays;
import java.util.List;

/** Dense and the element-wise {@code Activation} layer. */
final class CoreLayers {

    private CoreLayers() {
    }

    /** Dense on the last axis of an input of any rank, then its activation. */
    static final class Dense implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            int units = layer.config().requireInt("units");
            int[] kernel = layer.weight("kernel").shape();
            if (kernel.length != 2 || kernel[1] != units) {
                throw layer.config().unsupported("kernel shape " + Arrays.toString(kernel)
                        + " does not match units=" + units + "; expected [input_dim, " + units + "]");
            }
            if (layer.config().getBoolean("use_bias", true)) {
                layer.weight("bias");
            }
            TfActivations.of(layer, "activation");
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            Operand<TFloat32> y = ops.matmulLastAxis(inputs.get(0), ops.constant(layer.weight("kernel")));
            if (layer.config().getBoolean("use_bias", true)) {
                y = ops.add(y, ops.constant(layer.weight("bias")));
            }
            return TfActivations.apply(ops, TfActivations.of(layer, "activation"), y);
        }
    }

    static final class ActivationLayer implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            TfActivations.of(layer, "activation");
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            return TfActivations.apply(ops, TfActivations.of(layer, "activation"), inputs.get(0));
        }
    }

    /** Layers that only act in training (dropout, noise, regularisers) and the input layer: inference identity. */
    static final class Identity implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            // nothing to check: every option only matters during training
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            return inputs.get(0);
        }
    }
}
