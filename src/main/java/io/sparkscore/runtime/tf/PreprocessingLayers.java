package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Tensor;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

import java.util.Arrays;
import java.util.List;

/** Numeric preprocessing layers that models often start with: Rescaling and (adapted) Normalization. */
final class PreprocessingLayers {

    private PreprocessingLayers() {
    }

    /** A number or a per-channel list (broadcast along the last axis) as a float array. */
    private static float[] values(LayerConfig c, String key, double defaultValue) {
        Object v = c.raw(key);
        if (v == null) {
            return new float[] {(float) defaultValue};
        }
        if (v instanceof Number n) {
            return new float[] {n.floatValue()};
        }
        if (v instanceof List<?> list && list.stream().allMatch(e -> e instanceof Number)) {
            float[] r = new float[list.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = ((Number) list.get(i)).floatValue();
            }
            return r;
        }
        throw c.unsupported("'" + key + "' should be a number or a list of numbers but is " + v);
    }

    /** Rescaling: x * scale + offset. */
    static final class Rescaling implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            values(layer.config(), "scale", 1);
            values(layer.config(), "offset", 0);
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            float[] scale = values(layer.config(), "scale", 1);
            float[] offset = values(layer.config(), "offset", 0);
            Operand<TFloat32> y = ops.mul(inputs.get(0), ops.constant(new int[] {scale.length}, scale));
            return ops.add(y, ops.constant(new int[] {offset.length}, offset));
        }
    }

    /**
     * Normalization: (x - mean) / max(sqrt(variance), 1e-7) with mean and variance per position of {@code axis}
     * (weights {@code mean}/{@code variance} from adapt(), or the config's explicit values); {@code invert} undoes it.
     */
    static final class Normalization implements TfLayerBuilder {
        private static final double EPSILON = 1e-7;

        @Override
        public void validate(LayerSpec layer) {
            statistic(layer, "mean");
            statistic(layer, "variance");
        }

        private static float[] statistic(LayerSpec layer, String name) {
            if (layer.hasWeight(name)) {
                return layer.weight(name).data();
            }
            if (layer.config().has(name)) {
                return values(layer.config(), name, 0);
            }
            throw layer.config().unsupported("has neither a '" + name + "' weight nor a '" + name + "' value; was"
                    + " the layer adapted?");
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            Operand<TFloat32> x = inputs.get(0);
            int rank = TfOps.rank(x);
            // axis=None means one mean and variance for every value
            boolean global = layer.config().asMap().containsKey("axis") && layer.config().raw("axis") == null;
            int[] axes = global ? new int[0] : TfOps.axes(layer.config(), "axis", -1, rank);
            long[] full = TfOps.fullShape(x);
            int[] sizes = new int[axes.length];
            int n = 1;
            for (int i = 0; i < axes.length; i++) {
                sizes[i] = Math.toIntExact(full[axes[i]]);
                n *= sizes[i];
            }
            float[] mean = broadcastTo(layer, statistic(layer, "mean"), n);
            float[] variance = broadcastTo(layer, statistic(layer, "variance"), n);
            float[] std = new float[n];
            for (int i = 0; i < n; i++) {
                std[i] = (float) Math.max(Math.sqrt(variance[i]), EPSILON);
            }
            Operand<TFloat32> m = ops.broadcastable(new Tensor("mean", new int[] {n}, mean), rank, axes, sizes);
            Operand<TFloat32> s = ops.broadcastable(new Tensor("std", new int[] {n}, std), rank, axes, sizes);
            if (layer.config().getBoolean("invert", false)) {
                return ops.add(ops.mul(x, s), m);
            }
            return ops.tf().math.div(ops.sub(x, m), s);
        }

        private static float[] broadcastTo(LayerSpec layer, float[] v, int n) {
            if (v.length == n) {
                return v;
            }
            if (v.length == 1) {
                float[] r = new float[n];
                Arrays.fill(r, v[0]);
                return r;
            }
            throw layer.config().unsupported("has " + v.length + " statistics but its axis holds " + n + " values");
        }
    }
}
