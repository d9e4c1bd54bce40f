package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.WindowOptions;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

import java.util.List;
import java.util.Locale;

/** Max and average pooling over 1 or 2 spatial axes, windowed and global. */
final class PoolingLayers {

    private PoolingLayers() {
    }

    /**
     * MaxPooling1D/2D/3D and AveragePooling1D/2D/3D. TensorFlow's AvgPool with SAME padding divides by the number of
     * real (unpadded) values in each window, exactly as Keras' 'same' average pooling does.
     */
    static final class Windowed implements TfLayerBuilder {
        private final int rank;
        private final boolean max;

        Windowed(int rank, boolean max) {
            this.rank = rank;
            this.max = max;
        }

        @Override
        public void validate(LayerSpec layer) {
            ReshapingLayers.channelsFirst(layer);
            Spatial.padding(layer, "valid", "same");
            for (int p : WindowOptions.of(layer).window()) {
                if (p < 1) {
                    throw layer.config().unsupported("pool_size must be positive");
                }
            }
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            boolean channelsFirst = ReshapingLayers.channelsFirst(layer);
            WindowOptions w = WindowOptions.of(layer);
            int[] pool = w.window();
            int[] strides = w.strides();
            String padding = w.padding().toUpperCase(Locale.ROOT);
            Operand<TFloat32> x = Spatial.toChannelsLast(ops, inputs.get(0), channelsFirst);
            if (rank == 3) {
                List<Long> ksize5 = TfOps.longList(1, pool[0], pool[1], pool[2], 1);
                List<Long> strides5 = TfOps.longList(1, strides[0], strides[1], strides[2], 1);
                Operand<TFloat32> y = max ? ops.tf().nn.maxPool3d(x, ksize5, strides5, padding)
                        : ops.tf().nn.avgPool3d(x, ksize5, strides5, padding);
                return Spatial.fromChannelsLast(ops, y, channelsFirst);
            }
            if (rank == 1) {
                x = ops.tf().expandDims(x, ops.scalarInt(1));
            }
            int[] ksize4 = rank == 1 ? new int[] {1, 1, pool[0], 1} : new int[] {1, pool[0], pool[1], 1};
            int[] strides4 = rank == 1 ? new int[] {1, 1, strides[0], 1} : new int[] {1, strides[0], strides[1], 1};
            Operand<TFloat32> y = max
                    ? ops.tf().nn.maxPool(x, ops.ints(ksize4), ops.ints(strides4), padding)
                    : ops.tf().nn.avgPool(x, TfOps.longList(ksize4), TfOps.longList(strides4), padding);
            if (rank == 1) {
                y = ops.tf().squeeze(y, Squeeze.axis(List.of(1L)));
            }
            return Spatial.fromChannelsLast(ops, y, channelsFirst);
        }
    }

    /** GlobalMax/AveragePooling1D/2D/3D: reduce every spatial axis, optionally keeping them as size 1. */
    static final class Global implements TfLayerBuilder, MaskConsumer {
        private final boolean max;

        Global(boolean max) {
            this.max = max;
        }

        @Override
        public void validate(LayerSpec layer) {
            ReshapingLayers.channelsFirst(layer);
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            Operand<TFloat32> x = inputs.get(0);
            int rank = TfOps.rank(x);
            int first = ReshapingLayers.channelsFirst(layer) ? 2 : 1;
            int[] axes = new int[rank - 2];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = first + i;
            }
            boolean keep = layer.config().getBoolean("keepdims", false);
            return max ? ops.tf().max(x, ops.ints(axes), Max.keepDims(keep))
                    : ops.tf().math.mean(x, ops.ints(axes), Mean.keepDims(keep));
        }

        /** GlobalAveragePooling1D over unmasked steps only: sum(x * mask) / sum(mask). */
        @Override
        public Operand<TFloat32> buildMasked(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs,
                                            Operand<TFloat32> mask) {
            Operand<TFloat32> x = inputs.get(0);
            if (max || TfOps.rank(x) != 3) {
                throw layer.config().unsupported("a Keras mask is applied only by GlobalAveragePooling1D");
            }
            boolean channelsFirst = ReshapingLayers.channelsFirst(layer);
            int steps = channelsFirst ? 2 : 1;
            Operand<TFloat32> m = ops.tf().expandDims(mask, ops.scalarInt(channelsFirst ? 1 : 2));
            boolean keep = layer.config().getBoolean("keepdims", false);
            return ops.tf().math.div(ops.tf().sum(ops.mul(x, m), ops.ints(steps), Sum.keepDims(keep)),
                    ops.tf().sum(m, ops.ints(steps), Sum.keepDims(keep)));
        }

        @Override
        public Operand<TFloat32> outputMask(LayerSpec layer, Operand<TFloat32> mask) {
            return null;
        }
    }
}
