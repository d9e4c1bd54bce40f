package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ShapeInference;

/**
 * Keras' (adapted) Normalization on the jvm path: {@code (x - mean) / max(sqrt(variance), 1e-7)} with one mean and
 * variance per position of the kept {@code axis} (all values share one for {@code axis=None}), or its inverse with
 * {@code invert}; the statistics come from the {@code mean}/{@code variance} weights or the config's values. The
 * standard deviation is rounded to float32 once, as the tf path's graph constant holds it, so both paths compute
 * the same float32 operations.
 */
final class NormalizationLayer implements JvmLayer {

    private static final double EPSILON = 1e-7;

    private final int rowSize;
    private final int[] statIndex;
    private final float[] mean;
    private final float[] std;
    private final boolean invert;

    NormalizationLayer(LayerSpec layer, int[] shape) {
        LayerConfig c = layer.config();
        this.rowSize = Weights.size(shape);
        boolean global = c.asMap().containsKey("axis") && c.raw("axis") == null;
        int[] axes = global ? new int[0] : ShapeInference.rowAxes(c, "axis", -1, shape.length);
        this.statIndex = statIndex(shape, axes);
        int n = 1;
        for (int a : axes) {
            n *= shape[a];
        }
        this.mean = broadcast(layer, statistic(layer, "mean"), n);
        float[] variance = broadcast(layer, statistic(layer, "variance"), n);
        this.std = new float[n];
        for (int i = 0; i < n; i++) {
            std[i] = (float) Math.max(Math.sqrt(variance[i]), EPSILON);
        }
        this.invert = c.getBoolean("invert", false);
    }

    /** For each position of a row, the index of its statistic: its coordinates along the kept axes, row-major. */
    private static int[] statIndex(int[] shape, int[] axes) {
        int[] strides = IndexMaps.strides(shape);
        int[] r = new int[Weights.size(shape)];
        for (int p = 0; p < r.length; p++) {
            int index = 0;
            for (int a : axes) {
                index = index * shape[a] + (p / strides[a]) % shape[a];
            }
            r[p] = index;
        }
        return r;
    }

    private static float[] statistic(LayerSpec layer, String name) {
        if (layer.hasWeight(name)) {
            return layer.weight(name).data();
        }
        Object v = layer.config().raw(name);
        if (v instanceof Number x) {
            return new float[] {x.floatValue()};
        }
        if (v instanceof java.util.List<?> list && list.stream().allMatch(e -> e instanceof Number)) {
            float[] r = new float[list.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = ((Number) list.get(i)).floatValue();
            }
            return r;
        }
        throw layer.config().unsupported("has neither a '" + name + "' weight nor a numeric '" + name + "' value;"
                + " was the layer adapted?");
    }

    private static float[] broadcast(LayerSpec layer, float[] v, int n) {
        if (v.length == n) {
            return v;
        }
        if (v.length == 1) {
            float[] r = new float[n];
            java.util.Arrays.fill(r, v[0]);
            return r;
        }
        throw layer.config().unsupported("has " + v.length + " statistics but its axis holds " + n + " values");
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        for (int r = 0; r < rows; r++) {
            int base = r * rowSize;
            for (int p = 0; p < rowSize; p++) {
                int s = statIndex[p];
                float x = in[base + p];
                output[base + p] = invert ? x * std[s] + mean[s] : (x - mean[s]) / std[s];
            }
        }
    }
}
