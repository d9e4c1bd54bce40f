package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;

import java.util.Locale;

/**
 * The options of UpSampling1D/2D/3D: the repeat factor per spatial axis ({@code size}, default 2 each) and, for
 * UpSampling2D, the {@code interpolation} ({@code nearest}, the only mode of the other ranks, or {@code bilinear}).
 */
public record UpSamplingOptions(int rank, int[] size, String interpolation, boolean channelsFirst)
        implements LayerOptions {

    public static UpSamplingOptions of(LayerSpec layer) {
        LayerConfig c = layer.config();
        int n = SpatialAxes.rank(layer.className());
        int[] size = c.getInts("size", n, SpatialAxes.filled(n, 2));
        for (int s : size) {
            if (s < 1) {
                throw c.unsupported("size must be positive");
            }
        }
        return new UpSamplingOptions(n, size, c.getString("interpolation", "nearest").toLowerCase(Locale.ROOT),
                SpatialAxes.channelsFirst(c));
    }

    public boolean bilinear() {
        return interpolation.equals("bilinear");
    }

    /** Null when both paths run the interpolation; otherwise why not. */
    public String unsupported() {
        if (interpolation.equals("nearest") || rank == 2 && bilinear()) {
            return null;
        }
        return "interpolation '" + interpolation + "' is not supported; expected " + (rank == 2 ? "nearest or bilinear"
                : "nearest");
    }
}
