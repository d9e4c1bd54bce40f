package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Tensor;
import io.sparkscore.model.layers.GroupNormalizationOptions;
import io.sparkscore.model.layers.UnitNormalizationOptions;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

import java.util.Arrays;
import java.util.List;

/** BatchNormalization (inference: moving statistics), LayerNormalization, UnitNormalization, GroupNormalization. */
final class NormalizationLayers {

    private NormalizationLayers() {
    }

    /** The dims of {@code axes} in a tensor of static shape {@code full} (batch-inclusive). */
    private static int[] sizes(long[] full, int[] axes) {
        int[] r = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            r[i] = Math.toIntExact(full[axes[i]]);
        }
        return r;
    }

    private static void checkParam(LayerSpec layer, String name, long expected) {
        if (layer.hasWeight(name) && layer.weight(name).size() != expected) {
            throw layer.config().unsupported("weight '" + name + "' has " + layer.weight(name).size()
                    + " values but the normalised axes hold " + expected);
        }
    }

    /**
     * (x - mean) / sqrt(var + eps) * gamma + beta, folded into x * scale + shift with the constants computed once in
     * double precision.
     */
    static final class BatchNormalization implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            LayerConfig c = layer.config();
            layer.weight("moving_mean");
            layer.weight("moving_variance");
            if (c.getBoolean("scale", true)) {
                layer.weight("gamma");
            }
            if (c.getBoolean("center", true)) {
                layer.weight("beta");
            }
            if (c.getBoolean("renorm", false)) {
                throw c.unsupported("renorm=true is not supported");
            }
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            LayerConfig c = layer.config();
            Operand<TFloat32> x = inputs.get(0);
            int rank = TfOps.rank(x);
            int[] axes = TfOps.axes(c, "axis", -1, rank);
            int[] sizes = sizes(TfOps.fullShape(x), axes);
            long n = Arrays.stream(sizes).asLongStream().reduce(1, (a, b) -> a * b);
            for (String w : new String[] {"moving_mean", "moving_variance", "gamma", "beta"}) {
                checkParam(layer, w, n);
            }
            double eps = c.getDouble("epsilon", 1e-3);
            float[] mean = layer.weight("moving_mean").data();
            float[] var = layer.weight("moving_variance").data();
            float[] gamma = c.getBoolean("scale", true) ? layer.weight("gamma").data() : null;
            float[] beta = c.getBoolean("center", true) ? layer.weight("beta").data() : null;
            float[] scale = new float[(int) n];
            float[] shift = new float[(int) n];
            for (int i = 0; i < n; i++) {
                double inv = 1 / Math.sqrt(var[i] + eps) * (gamma == null ? 1 : gamma[i]);
                scale[i] = (float) inv;
                shift[i] = (float) ((beta == null ? 0 : beta[i]) - mean[i] * inv);
            }
            Operand<TFloat32> s = ops.broadcastable(new Tensor("scale", new int[] {(int) n}, scale), rank, axes, sizes);
            Operand<TFloat32> b = ops.broadcastable(new Tensor("shift", new int[] {(int) n}, shift), rank, axes, sizes);
            return ops.add(ops.mul(x, s), b);
        }
    }

    /** Mean and (biased) variance over {@code axis}, then (x - mean) / sqrt(var + eps) * gamma + beta. */
    static final class LayerNormalization implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            LayerConfig c = layer.config();
            if (c.getBoolean("rms_scaling", false)) {
                throw c.unsupported("rms_scaling=true is not supported (its formula changed between Keras 3 releases)");
            }
            if (c.getBoolean("scale", true)) {
                layer.weight("gamma");
            }
            if (c.getBoolean("center", true)) {
                layer.weight("beta");
            }
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            LayerConfig c = layer.config();
            Operand<TFloat32> x = inputs.get(0);
            int rank = TfOps.rank(x);
            int[] axes = TfOps.axes(c, "axis", -1, rank);
            int[] sizes = sizes(TfOps.fullShape(x), axes);
            long n = Arrays.stream(sizes).asLongStream().reduce(1, (a, b) -> a * b);
            checkParam(layer, "gamma", n);
            checkParam(layer, "beta", n);
            Operand<TFloat32> mean = ops.tf().math.mean(x, ops.ints(axes), Mean.keepDims(true));
            Operand<TFloat32> variance = ops.tf().math.mean(ops.tf().math.squaredDifference(x, mean),
                    ops.ints(axes), Mean.keepDims(true));
            // (x - mean) * inv rather than Keras' x * inv - mean * inv: the latter is rewritten by TensorFlow's
            // graph optimiser into a FusedBatchNorm that rejects statistics which are not 1-D.
            Operand<TFloat32> inv = ops.tf().math.rsqrt(ops.add(variance, ops.scalar(c.getDouble("epsilon", 1e-3))));
            Operand<TFloat32> y = ops.mul(ops.sub(x, mean), inv);
            if (c.getBoolean("scale", true)) {
                y = ops.mul(y, ops.broadcastable(layer.weight("gamma"), rank, axes, sizes));
            }
            if (c.getBoolean("center", true)) {
                y = ops.add(y, ops.broadcastable(layer.weight("beta"), rank, axes, sizes));
            }
            return y;
        }
    }

    /** UnitNormalization: x / sqrt(max(sum(x^2), 1e-12)) over {@code axis}. */
    static final class UnitNormalization implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            UnitNormalizationOptions.of(layer);
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            Operand<TFloat32> x = inputs.get(0);
            int[] axes = UnitNormalizationOptions.of(layer).rowAxes(layer.config(), TfOps.rank(x) - 1);
            for (int i = 0; i < axes.length; i++) {
                axes[i]++;
            }
            Operand<TFloat32> squareSum = ops.tf().sum(ops.tf().math.square(x), ops.ints(axes), Sum.keepDims(true));
            return ops.mul(x, ops.tf().math.rsqrt(ops.tf().math.maximum(squareSum,
                    ops.scalar(UnitNormalizationOptions.MIN_SQUARE_SUM))));
        }
    }

    /**
     * GroupNormalization on the last (channels) axis: channels split into {@code groups}, each group normalised by
     * the mean and variance over its channels and every non-batch position, then per-channel gamma and beta.
     */
    static final class GroupNormalization implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            GroupNormalizationOptions o = GroupNormalizationOptions.of(layer);
            if (o.unsupported() != null) {
                throw layer.config().unsupported(o.unsupported());
            }
            if (o.scale()) {
                layer.weight("gamma");
            }
            if (o.center()) {
                layer.weight("beta");
            }
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            GroupNormalizationOptions o = GroupNormalizationOptions.of(layer);
            Operand<TFloat32> x = inputs.get(0);
            int[] shape = TfOps.shape(x);
            int channels = shape[shape.length - 1];
            int groups = o.groups();
            o.checkChannels(layer.config(), channels);
            int[] grouped = Arrays.copyOf(shape, shape.length + 1);
            grouped[shape.length - 1] = groups;
            grouped[shape.length] = channels / groups;
            Operand<TFloat32> g = ops.reshape(x, grouped);
            // reduce over every non-batch axis except the group axis
            int[] axes = new int[grouped.length - 1];
            int k = 0;
            for (int a = 1; a <= grouped.length; a++) {
                if (a != grouped.length - 1) {
                    axes[k++] = a;
                }
            }
            Operand<TFloat32> mean = ops.tf().math.mean(g, ops.ints(axes), Mean.keepDims(true));
            Operand<TFloat32> variance = ops.tf().math.mean(ops.tf().math.squaredDifference(g, mean),
                    ops.ints(axes), Mean.keepDims(true));
            Operand<TFloat32> inv = ops.tf().math.rsqrt(ops.add(variance, ops.scalar(o.epsilon())));
            Operand<TFloat32> y = ops.reshape(ops.mul(ops.sub(g, mean), inv), shape);
            if (o.scale()) {
                y = ops.mul(y, ops.constant(layer.weight("gamma")));
            }
            if (o.center()) {
                y = ops.add(y, ops.constant(layer.weight("beta")));
            }
            return y;
        }
    }
}
