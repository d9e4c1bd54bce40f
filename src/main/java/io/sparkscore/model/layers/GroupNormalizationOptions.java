package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;

/**
 * The options of GroupNormalization, with Keras' defaults: {@code groups} 32, {@code axis} -1 (the channels),
 * {@code epsilon} 1e-3, {@code center} and {@code scale} true. Channels split into {@code groups} equal parts; each
 * part is normalised by the mean and (biased) variance over its channels and every other non-batch position, then
 * scaled and shifted per channel.
 */
public record GroupNormalizationOptions(int groups, int axis, double epsilon, boolean center, boolean scale)
        implements LayerOptions {

    public static GroupNormalizationOptions of(LayerSpec layer) {
        LayerConfig c = layer.config();
        int groups = c.getInt("groups", 32);
        if (groups < 1) {
            throw c.unsupported("groups=" + groups + " should be positive");
        }
        return new GroupNormalizationOptions(groups, c.getInt("axis", -1), c.getDouble("epsilon", 1e-3),
                c.getBoolean("center", true), c.getBoolean("scale", true));
    }

    /** Null when both paths run the options; otherwise why not. */
    public String unsupported() {
        return axis == -1 ? null : "axis=" + axis + " is not supported; only the last axis (-1)";
    }

    /** Checks that the groups divide the {@code channels} of the input. */
    public void checkChannels(LayerConfig c, int channels) {
        if (channels % groups != 0) {
            throw c.unsupported("groups=" + groups + " does not divide the " + channels + " channels");
        }
    }
}
