package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Shapes;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

import java.util.Arrays;
import java.util.List;

/** Layers that only move values around: Flatten, Reshape, Permute, RepeatVector. */
final class ReshapingLayers {

    private ReshapingLayers() {
    }

    static boolean channelsFirst(LayerSpec layer) {
        String format = layer.config().getString("data_format", "channels_last");
        if (!format.equals("channels_last") && !format.equals("channels_first")) {
            throw layer.config().unsupported("data_format '" + format + "' is not understood; expected channels_last"
                    + " or channels_first");
        }
        return format.equals("channels_first");
    }

    /** Flatten; with channels_first Keras moves channels last before flattening. */
    static final class Flatten implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            channelsFirst(layer);
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            Operand<TFloat32> x = inputs.get(0);
            int rank = TfOps.rank(x);
            if (channelsFirst(layer) && rank > 2) {
                int[] perm = new int[rank];
                perm[rank - 1] = 1;
                for (int i = 2; i < rank; i++) {
                    perm[i - 1] = i;
                }
                x = ops.transpose(x, perm);
            }
            return ops.reshape(x, Math.toIntExact(Shapes.size(TfOps.shape(x))));
        }
    }

    static final class Reshape implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            int[] target = layer.config().getShape("target_shape");
            if (Arrays.stream(target).filter(d -> d < 0).count() > 1) {
                throw layer.config().unsupported("target_shape " + Shapes.format(target)
                        + " has more than one open dimension");
            }
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            int[] target = layer.config().getShape("target_shape").clone();
            long total = Shapes.size(TfOps.shape(inputs.get(0)));
            long known = 1;
            int open = -1;
            for (int i = 0; i < target.length; i++) {
                if (target[i] < 0) {
                    open = i;
                } else {
                    known *= target[i];
                }
            }
            if (open >= 0) {
                target[open] = known == 0 ? 0 : Math.toIntExact(total / known);
                known *= target[open];
            }
            if (known != total) {
                throw layer.config().unsupported("cannot reshape an input of shape "
                        + Shapes.format(TfOps.shape(inputs.get(0))) + " (" + total + " values) to target_shape "
                        + Shapes.format(layer.config().getShape("target_shape")));
            }
            return ops.reshape(inputs.get(0), target);
        }
    }

    /** Permute: {@code dims} are 1-based and leave the batch axis in place. */
    static final class Permute implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            int[] dims = layer.config().getInts("dims", 0, null);
            if (dims == null) {
                throw layer.config().unsupported("config has no 'dims'");
            }
            int[] sorted = dims.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < sorted.length; i++) {
                if (sorted[i] != i + 1) {
                    throw layer.config().unsupported("dims " + Arrays.toString(dims)
                            + " is not a permutation of 1.." + dims.length);
                }
            }
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            int[] dims = layer.config().getInts("dims", 0, null);
            int[] perm = new int[dims.length + 1];
            System.arraycopy(dims, 0, perm, 1, dims.length);
            return ops.transpose(inputs.get(0), perm);
        }
    }

    /** RepeatVector: (batch, features) to (batch, n, features). */
    static final class RepeatVector implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            if (layer.config().requireInt("n") < 1) {
                throw layer.config().unsupported("n must be at least 1");
            }
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            int n = layer.config().requireInt("n");
            Operand<TFloat32> x = ops.tf().expandDims(inputs.get(0), ops.scalarInt(1));
            return ops.tf().tile(x, ops.ints(1, n, 1));
        }
    }
}
