package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;

/**
 * The options of Rescaling, {@code x * scale + offset}: each a number or a per-channel list broadcast along the last
 * axis, defaults 1 and 0.
 */
public record RescalingOptions(float[] scale, float[] offset) implements LayerOptions {

    public static RescalingOptions of(LayerSpec layer) {
        LayerConfig c = layer.config();
        return new RescalingOptions(Numbers.floats(c, "scale", 1), Numbers.floats(c, "offset", 0));
    }
}
