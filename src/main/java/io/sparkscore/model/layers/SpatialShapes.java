package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ShapeInference;
import io.sparkscore.model.Shapes;

import java.util.List;

/** Shape rules of the convolution, pooling and resizing layers, as Keras' {@code compute_output_shape}. */
final class SpatialShapes {

    private SpatialShapes() {
    }

    /** Conv, SeparableConv and DepthwiseConv of any spatial rank. */
    static int[] convolution(LayerSpec layer, List<int[]> inputs) {
        LayerConfig c = layer.config();
        int n = SpatialAxes.rank(layer.className());
        int[] x = inputs.get(0);
        SpatialAxes.requireRank(layer, x, n);
        boolean first = SpatialAxes.channelsFirst(c);
        int spatial0 = first ? 1 : 0;
        int channelAxis = first ? 0 : n;
        int[] kernel = kernelSize(c, n);
        int[] strides = c.getInts("strides", n, SpatialAxes.filled(n, 1));
        int[] dilation = c.getInts("dilation_rate", n, SpatialAxes.filled(n, 1));
        String padding = c.getString("padding", "valid");
        int[] r = x.clone();
        for (int i = 0; i < n; i++) {
            r[spatial0 + i] = ShapeInference.windowOutputLength(c, x[spatial0 + i], kernel[i], strides[i],
                    dilation[i], padding);
        }
        r[channelAxis] = layer.className().startsWith("DepthwiseConv")
                ? (x[channelAxis] < 0 ? Shapes.UNKNOWN : x[channelAxis] * c.getInt("depth_multiplier", 1))
                : c.requireInt("filters");
        return r;
    }

    /** Conv1D/2D/3DTranspose: each spatial axis by Keras' {@code deconv_output_length}, channels = filters. */
    static int[] transposedConvolution(LayerSpec layer, List<int[]> inputs) {
        LayerConfig c = layer.config();
        int n = SpatialAxes.rank(layer.className());
        int[] x = inputs.get(0);
        SpatialAxes.requireRank(layer, x, n);
        boolean first = SpatialAxes.channelsFirst(c);
        int spatial0 = first ? 1 : 0;
        int[] kernel = kernelSize(c, n);
        int[] strides = c.getInts("strides", n, SpatialAxes.filled(n, 1));
        int[] dilation = c.getInts("dilation_rate", n, SpatialAxes.filled(n, 1));
        int[] outputPadding = c.getInts("output_padding", n, null);
        String padding = c.getString("padding", "valid").toLowerCase(java.util.Locale.ROOT);
        int[] r = x.clone();
        for (int i = 0; i < n; i++) {
            int d = x[spatial0 + i];
            r[spatial0 + i] = d < 0 ? Shapes.UNKNOWN : SpatialAxes.transposedLength(c, d, kernel[i], padding,
                    outputPadding == null ? null : outputPadding[i], strides[i], dilation[i]);
        }
        r[first ? 0 : n] = c.requireInt("filters");
        return r;
    }

    private static int[] kernelSize(LayerConfig c, int n) {
        int[] kernel = c.getInts("kernel_size", n, null);
        if (kernel == null) {
            throw c.unsupported("config has no 'kernel_size'");
        }
        return kernel;
    }

    /** Max/AveragePooling of any spatial rank: pool_size defaults to 2 per axis, strides to pool_size. */
    static int[] pooling(LayerSpec layer, List<int[]> inputs) {
        LayerConfig c = layer.config();
        int n = SpatialAxes.rank(layer.className());
        int[] x = inputs.get(0);
        SpatialAxes.requireRank(layer, x, n);
        int spatial0 = SpatialAxes.channelsFirst(c) ? 1 : 0;
        int[] pool = c.getInts("pool_size", n, SpatialAxes.filled(n, 2));
        int[] strides = c.getInts("strides", n, pool);
        String padding = c.getString("padding", "valid");
        int[] r = x.clone();
        for (int i = 0; i < n; i++) {
            r[spatial0 + i] = ShapeInference.windowOutputLength(c, x[spatial0 + i], pool[i], strides[i], 1, padding);
        }
        return r;
    }

    static int[] globalPooling(LayerSpec layer, List<int[]> inputs) {
        LayerConfig c = layer.config();
        int n = SpatialAxes.rank(layer.className());
        int[] x = inputs.get(0);
        SpatialAxes.requireRank(layer, x, n);
        boolean first = SpatialAxes.channelsFirst(c);
        int channels = first ? x[0] : x[n];
        if (!c.getBoolean("keepdims", false)) {
            return new int[] {channels};
        }
        int[] r = SpatialAxes.filled(n + 1, 1);
        r[first ? 0 : n] = channels;
        return r;
    }

    /** UpSampling of any spatial rank: each spatial axis times its size (default 2). */
    static int[] upSampling(LayerSpec layer, List<int[]> inputs) {
        LayerConfig c = layer.config();
        int n = SpatialAxes.rank(layer.className());
        int[] x = inputs.get(0);
        SpatialAxes.requireRank(layer, x, n);
        int spatial0 = SpatialAxes.channelsFirst(c) ? 1 : 0;
        int[] size = c.getInts("size", n, SpatialAxes.filled(n, 2));
        int[] r = x.clone();
        for (int i = 0; i < n; i++) {
            r[spatial0 + i] = x[spatial0 + i] < 0 ? Shapes.UNKNOWN : x[spatial0 + i] * size[i];
        }
        return r;
    }

    static int[] paddingOrCropping(LayerSpec layer, List<int[]> inputs) {
        return PaddingOptions.of(layer).outputShape(layer, inputs.get(0));
    }
}
