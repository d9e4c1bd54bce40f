package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.UnsupportedLayerException;
import io.sparkscore.model.layers.KerasMasks;
import io.sparkscore.model.layers.LayerRegistry;
import io.sparkscore.model.layers.MaskingOptions;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Any;
import org.tensorflow.types.TFloat32;

import java.util.List;

/**
 * Keras' mask propagation on the tf path, by the rules of {@link KerasMasks}: Masking and Embedding(mask_zero=true)
 * create a (batch, time) mask, layers that support masking hand it on unchanged, merges combine masks, and
 * {@link MaskConsumer}s (RNNs, Bidirectional, GlobalAveragePooling1D) apply it; Keras 3's layers without mask support
 * (GlobalMaxPooling1D) ignore and drop it. Any other layer receiving a mask is refused.
 */
final class TfMasks {

    private TfMasks() {
    }

    /** The mask a source layer creates, or null when the layer creates none. */
    static Operand<TFloat32> created(TfOps ops, LayerSpec layer, Operand<TFloat32> input) {
        if (!KerasMasks.creates(layer)) {
            return null;
        }
        return layer.className().equals("Masking") ? MaskingLayer.mask(ops, layer, input)
                : ops.tf().dtypes.cast(ops.tf().math.notEqual(input, ops.scalar(0)), TFloat32.class);
    }

    /**
     * Builds a node some of whose inputs carry masks and returns its output together with its output mask.
     */
    static Masked buildMasked(TfOps ops, LayerSpec layer, TfLayerBuilder builder, List<Operand<TFloat32>> inputs,
                              List<Operand<TFloat32>> masks) {
        String c = layer.className();
        if (KerasMasks.drops(c, ops.kerasMajor())) {
            return new Masked(builder.build(ops, layer, inputs), null);
        }
        if (KerasMasks.passesThrough(c) && masks.size() == 1) {
            return new Masked(builder.build(ops, layer, inputs), masks.get(0));
        }
        if (LayerRegistry.takesList(c) && KerasMasks.combines(layer, TfOps.rank(inputs.get(0)) - 1)) {
            List<Operand<TFloat32>> present = masks.stream().filter(m -> m != null).toList();
            Operand<TFloat32> out = builder.build(ops, layer, inputs);
            if (!KerasMasks.mergeKeepsMask(ops.kerasMajor(), present.size(), masks.size())) {
                return new Masked(out, null);
            }
            boolean all = KerasMasks.keptByAll(ops.kerasMajor());
            Operand<TFloat32> combined = present.get(0);
            for (Operand<TFloat32> m : present.subList(1, present.size())) {
                combined = all ? ops.mul(combined, m) : ops.tf().math.maximum(combined, m);
            }
            return new Masked(out, combined);
        }
        if (KerasMasks.consumes(c) && builder instanceof MaskConsumer consumer && masks.get(0) != null
                && masks.subList(1, masks.size()).stream().allMatch(m -> m == null)) {
            Operand<TFloat32> mask = masks.get(0);
            return new Masked(consumer.buildMasked(ops, layer, inputs, mask), consumer.outputMask(layer, mask));
        }
        throw new UnsupportedLayerException(layer.name(), c, KerasMasks.REFUSAL);
    }

    /** A node's output and the mask it carries (null for none). */
    record Masked(Operand<TFloat32> output, Operand<TFloat32> mask) {
    }

    /** Masking: zeroes steps whose features all equal {@code mask_value} and masks them. */
    static final class MaskingLayer implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            MaskingOptions.of(layer);
        }

        static Operand<TFloat32> mask(TfOps ops, LayerSpec layer, Operand<TFloat32> x) {
            Operand<TFloat32> value = ops.scalar(MaskingOptions.of(layer).maskValue());
            return ops.tf().dtypes.cast(ops.tf().any(ops.tf().math.notEqual(x, value), ops.ints(-1)),
                    TFloat32.class);
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            Operand<TFloat32> x = inputs.get(0);
            Operand<TFloat32> keep = ops.tf().dtypes.cast(ops.tf().any(ops.tf().math.notEqual(x,
                    ops.scalar(MaskingOptions.of(layer).maskValue())), ops.ints(-1), Any.keepDims(true)),
                    TFloat32.class);
            return ops.mul(x, keep);
        }
    }
}
