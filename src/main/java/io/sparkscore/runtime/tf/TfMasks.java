package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.UnsupportedLayerException;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Any;
import org.tensorflow.types.TFloat32;

import java.util.List;
import java.util.Set;

/**
 * Keras' mask propagation: Masking and Embedding(mask_zero=true) create a (batch, time) mask, layers that support
 * masking hand it on unchanged, merges combine masks, and {@link MaskConsumer}s (RNNs, Bidirectional,
 * GlobalAveragePooling1D) apply it. Any other layer receiving a mask is refused, since Keras would either refuse it
 * too (Keras 2) or its result would depend on Keras-version details.
 */
final class TfMasks {

    private static final Set<String> PASS_THROUGH = Set.of("InputLayer", "Dropout", "SpatialDropout1D",
            "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
            "ActivityRegularization", "Identity", "Masking", "Activation", "Dense", "BatchNormalization",
            "LayerNormalization",
            "LeakyReLU", "PReLU", "ELU", "ReLU", "ThresholdedReLU", "TimeDistributed");
    private static final Set<String> ELEMENT_WISE_MERGES = Set.of("Add", "Subtract", "Multiply", "Average", "Maximum",
            "Minimum");

    private TfMasks() {
    }

    /** The mask a source layer creates, or null when the layer creates none. */
    static Operand<TFloat32> created(TfOps ops, LayerSpec layer, Operand<TFloat32> input) {
        return switch (layer.className()) {
            case "Masking" -> MaskingLayer.mask(ops, layer, input);
            case "Embedding" -> layer.config().getBoolean("mask_zero", false)
                    ? ops.tf().dtypes.cast(ops.tf().math.notEqual(input, ops.scalar(0)), TFloat32.class) : null;
            default -> null;
        };
    }

    /**
     * Builds a node some of whose inputs carry masks and returns its output together with its output mask.
     */
    static Masked buildMasked(TfOps ops, LayerSpec layer, TfLayerBuilder builder, List<Operand<TFloat32>> inputs,
                              List<Operand<TFloat32>> masks) {
        String c = layer.className();
        if (PASS_THROUGH.contains(c) && masks.size() == 1) {
            return new Masked(builder.build(ops, layer, inputs), masks.get(0));
        }
        if (ELEMENT_WISE_MERGES.contains(c) || (c.equals("Concatenate") && concatenatesFeatures(layer, inputs))) {
            Operand<TFloat32> combined = null;
            for (Operand<TFloat32> m : masks) {
                if (m != null) {
                    combined = combined == null ? m : ops.mul(combined, m);
                }
            }
            return new Masked(builder.build(ops, layer, inputs), combined);
        }
        if (builder instanceof MaskConsumer consumer && masks.get(0) != null
                && masks.subList(1, masks.size()).stream().allMatch(m -> m == null)) {
            Operand<TFloat32> mask = masks.get(0);
            return new Masked(consumer.buildMasked(ops, layer, inputs, mask), consumer.outputMask(layer, mask));
        }
        throw new UnsupportedLayerException(layer.name(), c, "receives a Keras mask (from Masking or"
                + " Embedding mask_zero=true), which the tf path applies only in SimpleRNN, LSTM, GRU, Bidirectional"
                + " and GlobalAveragePooling1D and passes on through element-wise layers, Dense and merges");
    }

    private static boolean concatenatesFeatures(LayerSpec layer, List<Operand<TFloat32>> inputs) {
        int rank = TfOps.rank(inputs.get(0));
        return TfOps.axis(layer.config().getInt("axis", -1), rank) == rank - 1;
    }

    /** A node's output and the mask it carries (null for none). */
    record Masked(Operand<TFloat32> output, Operand<TFloat32> mask) {
    }

    /** Masking: zeroes steps whose features all equal {@code mask_value} and masks them. */
    static final class MaskingLayer implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            layer.config().getDouble("mask_value", 0);
        }

        static Operand<TFloat32> mask(TfOps ops, LayerSpec layer, Operand<TFloat32> x) {
            Operand<TFloat32> value = ops.scalar(layer.config().getDouble("mask_value", 0));
            return ops.tf().dtypes.cast(ops.tf().any(ops.tf().math.notEqual(x, value), ops.ints(-1)),
                    TFloat32.class);
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            Operand<TFloat32> x = inputs.get(0);
            Operand<TFloat32> keep = ops.tf().dtypes.cast(ops.tf().any(ops.tf().math.notEqual(x,
                    ops.scalar(layer.config().getDouble("mask_value", 0))), ops.ints(-1), Any.keepDims(true)),
                    TFloat32.class);
            return ops.mul(x, keep);
        }
    }
}
