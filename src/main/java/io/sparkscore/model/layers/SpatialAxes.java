package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Shapes;

import java.util.Arrays;

/** What convolution, pooling and resizing layers share: the spatial rank in the class name and the data format. */
public final class SpatialAxes {

    private SpatialAxes() {
    }

    /** The spatial rank in a class name: {@code Conv1D -> 1}, {@code Conv2DTranspose -> 2}, ... */
    public static int rank(String className) {
        for (int rank = 1; rank <= 3; rank++) {
            if (className.contains(rank + "D")) {
                return rank;
            }
        }
        throw new IllegalArgumentException(className + " names no spatial rank");
    }

    public static boolean channelsFirst(LayerConfig c) {
        return "channels_first".equals(c.getString("data_format", "channels_last"));
    }

    /** Keras' {@code deconv_output_length} for one axis. */
    public static int transposedLength(LayerConfig c, int input, int kernel, String padding, Integer outputPadding,
                                       int stride, int dilation) {
        int span = kernel + (kernel - 1) * (dilation - 1);
        int length;
        if (outputPadding == null) {
            length = switch (padding) {
                case "valid" -> input * stride + Math.max(span - stride, 0);
                case "same" -> input * stride;
                default -> throw c.unsupported("padding '" + padding + "' is not one of valid, same");
            };
        } else {
            int pad = switch (padding) {
                case "valid" -> 0;
                case "same" -> span / 2;
                default -> throw c.unsupported("padding '" + padding + "' is not one of valid, same");
            };
            length = (input - 1) * stride + span - 2 * pad + outputPadding;
        }
        if (length <= 0) {
            throw c.unsupported("the transposed convolution of a dimension of " + input + " would be empty");
        }
        return length;
    }

    /** Spatial layers take (spatial..., channels) or (channels, spatial...): rank + 1 non-batch dimensions. */
    static void requireRank(LayerSpec layer, int[] x, int spatialRank) {
        if (x.length != spatialRank + 1) {
            throw layer.config().unsupported(layer.className() + " expects inputs with " + (spatialRank + 1)
                    + " non-batch dimensions but got " + Shapes.format(x));
        }
    }

    static int[] filled(int n, int value) {
        int[] r = new int[n];
        Arrays.fill(r, value);
        return r;
    }
}
