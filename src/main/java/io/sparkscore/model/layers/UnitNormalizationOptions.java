package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;

/**
 * The options of UnitNormalization, {@code x / sqrt(max(sum(x^2), 1e-12))} over {@code axis} (one Keras axis or a
 * list, default -1).
 */
public record UnitNormalizationOptions(int[] kerasAxes) implements LayerOptions {

    /** The floor of the sum of squares, as Keras' {@code rsqrt(maximum(square_sum, 1e-12))}. */
    public static final double MIN_SQUARE_SUM = 1e-12;

    public static UnitNormalizationOptions of(LayerSpec layer) {
        return new UnitNormalizationOptions(AxisList.parse(layer.config(), "axis", -1));
    }

    public int[] rowAxes(LayerConfig c, int rowRank) {
        return AxisList.rowAxes(c, "axis", kerasAxes, rowRank);
    }
}
