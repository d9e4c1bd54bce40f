package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.PaddingOptions;
import io.sparkscore.model.layers.UpSamplingOptions;
import org.tensorflow.Operand;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;

import java.util.List;

/** ZeroPadding, Cropping and UpSampling over 1 to 3 spatial axes. */
final class SpatialLayers {

    private SpatialLayers() {
    }

    /** First spatial axis (batch-inclusive numbering). */
    private static int firstSpatialAxis(LayerSpec layer) {
        return ReshapingLayers.channelsFirst(layer) ? 2 : 1;
    }

    static final class ZeroPadding implements TfLayerBuilder {
        private final int rank;

        ZeroPadding(int rank) {
            this.rank = rank;
        }

        @Override
        public void validate(LayerSpec layer) {
            ReshapingLayers.channelsFirst(layer);
            PaddingOptions.of(layer);
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            Operand<TFloat32> x = inputs.get(0);
            int[][] pads = new int[TfOps.rank(x)][2];
            int first = firstSpatialAxis(layer);
            int[][] pairs = PaddingOptions.of(layer).amounts();
            for (int i = 0; i < rank; i++) {
                pads[first + i] = pairs[i];
            }
            return ops.tf().pad(x, ops.tf().constant(pads), ops.scalar(0));
        }
    }

    static final class Cropping implements TfLayerBuilder {
        private final int rank;

        Cropping(int rank) {
            this.rank = rank;
        }

        @Override
        public void validate(LayerSpec layer) {
            ReshapingLayers.channelsFirst(layer);
            PaddingOptions.of(layer);
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            Operand<TFloat32> x = inputs.get(0);
            int first = firstSpatialAxis(layer);
            int[][] pairs = PaddingOptions.of(layer).amounts();
            for (int i = 0; i < rank; i++) {
                int axis = first + i;
                int size = TfOps.shape(x)[axis - 1] - pairs[i][0] - pairs[i][1];
                if (size <= 0) {
                    throw layer.config().unsupported("cropping " + pairs[i][0] + "+" + pairs[i][1]
                            + " leaves nothing of axis " + axis + " (size " + TfOps.shape(x)[axis - 1] + ")");
                }
                x = ops.slice(x, axis, pairs[i][0], size);
            }
            return x;
        }
    }

    /** UpSampling: nearest repeats each entry; UpSampling2D's bilinear matches tf.image.resize (half-pixel centres). */
    static final class UpSampling implements TfLayerBuilder {
        private final int rank;

        UpSampling(int rank) {
            this.rank = rank;
        }

        @Override
        public void validate(LayerSpec layer) {
            ReshapingLayers.channelsFirst(layer);
            String why = UpSamplingOptions.of(layer).unsupported();
            if (why != null) {
                throw layer.config().unsupported(why);
            }
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            UpSamplingOptions o = UpSamplingOptions.of(layer);
            int[] size = o.size();
            if (o.bilinear()) {
                boolean channelsFirst = ReshapingLayers.channelsFirst(layer);
                Operand<TFloat32> x = Spatial.toChannelsLast(ops, inputs.get(0), channelsFirst);
                int[] s = TfOps.shape(x);
                Operand<TFloat32> y = ops.tf().image.resizeBilinear(x, ops.ints(s[0] * size[0], s[1] * size[1]),
                        ResizeBilinear.halfPixelCenters(true));
                return Spatial.fromChannelsLast(ops, y, channelsFirst);
            }
            Operand<TFloat32> x = inputs.get(0);
            int first = firstSpatialAxis(layer);
            for (int i = 0; i < rank; i++) {
                if (size[i] > 1) {
                    x = ops.repeat(x, first + i, size[i]);
                }
            }
            return x;
        }
    }
}
