package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;

import java.util.Locale;

/**
 * The window options of a convolution (plain, separable, depthwise, transposed) or pooling layer, with Keras'
 * defaults: strides and dilation 1 for convolutions, {@code pool_size} 2 and strides equal to it for pooling,
 * padding {@code valid}. The spatial rank comes from the class name.
 *
 * @param window        {@code kernel_size} or {@code pool_size}, one entry per spatial axis
 * @param outputPadding a transposed convolution's {@code output_padding}, or null
 */
public record WindowOptions(int rank, boolean channelsFirst, int[] window, int[] strides, int[] dilation,
                            String padding, int[] outputPadding) implements LayerOptions {

    public static WindowOptions of(LayerSpec layer) {
        LayerConfig c = layer.config();
        int n = SpatialAxes.rank(layer.className());
        boolean pooling = layer.className().contains("Pooling");
        int[] window = pooling ? c.getInts("pool_size", n, SpatialAxes.filled(n, 2))
                : c.getInts("kernel_size", n, null);
        if (window == null) {
            throw c.unsupported("config has no 'kernel_size'");
        }
        return new WindowOptions(n, SpatialAxes.channelsFirst(c), window,
                c.getInts("strides", n, pooling ? window : SpatialAxes.filled(n, 1)),
                c.getInts("dilation_rate", n, SpatialAxes.filled(n, 1)),
                c.getString("padding", "valid").toLowerCase(Locale.ROOT),
                c.getInts("output_padding", n, null));
    }

    /** The per-row index of spatial axis {@code i} (channels come first or last). */
    public int spatialAxis(int i) {
        return channelsFirst ? i + 1 : i;
    }

    public int channelAxis() {
        return channelsFirst ? 0 : rank;
    }
}
