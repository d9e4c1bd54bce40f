package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Tensor;
import io.sparkscore.model.layers.NormalizationOptions;
import io.sparkscore.model.layers.RescalingOptions;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

import java.util.List;

/** Numeric preprocessing layers that models often start with: Rescaling and (adapted) Normalization. */
final class PreprocessingLayers {

    private PreprocessingLayers() {
    }

    /** Rescaling: x * scale + offset. */
    static final class Rescaling implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            RescalingOptions.of(layer);
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            RescalingOptions o = RescalingOptions.of(layer);
            Operand<TFloat32> y = ops.mul(inputs.get(0), ops.constant(new int[] {o.scale().length}, o.scale()));
            return ops.add(y, ops.constant(new int[] {o.offset().length}, o.offset()));
        }
    }

    /** Normalization: the standardisation of {@link NormalizationOptions}, or its inverse. */
    static final class Normalization implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            NormalizationOptions.of(layer);
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            Operand<TFloat32> x = inputs.get(0);
            int rank = TfOps.rank(x);
            NormalizationOptions o = NormalizationOptions.of(layer);
            int[] rowAxes = o.rowAxes(layer.config(), rank - 1);
            int[] axes = new int[rowAxes.length];
            long[] full = TfOps.fullShape(x);
            int[] sizes = new int[axes.length];
            int n = 1;
            for (int i = 0; i < axes.length; i++) {
                axes[i] = rowAxes[i] + 1;
                sizes[i] = Math.toIntExact(full[axes[i]]);
                n *= sizes[i];
            }
            Operand<TFloat32> m = ops.broadcastable(new Tensor("mean", new int[] {n}, o.means(layer.config(), n)),
                    rank, axes, sizes);
            Operand<TFloat32> s = ops.broadcastable(new Tensor("std", new int[] {n},
                    o.standardDeviations(layer.config(), n)), rank, axes, sizes);
            if (o.invert()) {
                return ops.add(ops.mul(x, s), m);
            }
            return ops.tf().math.div(ops.sub(x, m), s);
        }
    }
}
