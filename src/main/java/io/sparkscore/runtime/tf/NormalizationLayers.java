package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Tensor;
import org.tensorflow.Operand;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

import java.util.Arrays;
import java.util.List;

/** BatchNormalization (inference: moving statistics) and LayerNormalization. */
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
}
