package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;

import java.util.Arrays;

/**
 * The options of the Normalization preprocessing layer: the axes that keep their own statistics (Keras' default -1;
 * {@code axis=None}: one mean and variance for every value), the mean and variance (the {@code mean}/{@code variance}
 * weights adapt() left, or the values given in the config) and {@code invert}. The layer computes
 * {@code (x - mean) / std}, inverted {@code x * std + mean}, with {@code std = max(sqrt(variance), 1e-7)} (Keras'
 * {@code backend.epsilon()}).
 *
 * @param kerasAxes the axes counting the batch as 0, or null for {@code axis=None}
 */
public record NormalizationOptions(int[] kerasAxes, float[] mean, float[] variance, boolean invert)
        implements LayerOptions {

    /** Keras' {@code backend.epsilon()}, the floor of the standard deviation. */
    public static final double EPSILON = 1e-7;

    public static NormalizationOptions of(LayerSpec layer) {
        LayerConfig c = layer.config();
        boolean global = c.has("axis") && c.raw("axis") == null;
        return new NormalizationOptions(global ? null : AxisList.parse(c, "axis", -1), statistic(layer, "mean"),
                statistic(layer, "variance"), c.getBoolean("invert", false));
    }

    private static float[] statistic(LayerSpec layer, String name) {
        if (layer.hasWeight(name)) {
            return layer.weight(name).data();
        }
        if (layer.config().raw(name) != null) {
            return Numbers.floats(layer.config(), name, 0);
        }
        throw layer.config().unsupported("has neither a '" + name + "' weight nor a '" + name + "' value; adapt the"
                + " layer (or give it mean and variance) before saving the model");
    }

    /** The per-row axes with their own statistics in a row of rank {@code rowRank}; none for {@code axis=None}. */
    public int[] rowAxes(LayerConfig c, int rowRank) {
        return kerasAxes == null ? new int[0] : AxisList.rowAxes(c, "axis", kerasAxes, rowRank);
    }

    /** The mean of each of the {@code n} positions of the kept axes (one given value serves them all). */
    public float[] means(LayerConfig c, int n) {
        return broadcast(c, mean, n);
    }

    /** {@code max(sqrt(variance), 1e-7)} of each of the {@code n} positions of the kept axes. */
    public float[] standardDeviations(LayerConfig c, int n) {
        float[] v = broadcast(c, variance, n);
        float[] std = new float[n];
        for (int i = 0; i < n; i++) {
            std[i] = (float) Math.max(Math.sqrt(v[i]), EPSILON);
        }
        return std;
    }

    private static float[] broadcast(LayerConfig c, float[] v, int n) {
        if (v.length == n) {
            return v;
        }
        if (v.length == 1) {
            float[] r = new float[n];
            Arrays.fill(r, v[0]);
            return r;
        }
        throw c.unsupported("has " + v.length + " statistics but its axis holds " + n + " values");
    }
}
