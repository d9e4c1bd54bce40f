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
        WindowOptions w = WindowOptions.of(layer);
        int[] x = inputs.get(0);
        int[] r = windowed(layer, w, x);
        int channels = x[w.channelAxis()];
        r[w.channelAxis()] = layer.className().startsWith("DepthwiseConv")
                ? (channels < 0 ? Shapes.UNKNOWN : channels * c.getInt("depth_multiplier", 1))
                : c.requireInt("filters");
        return r;
    }

    /** Conv1D/2D/3DTranspose: each spatial axis by Keras' {@code deconv_output_length}, channels = filters. */
    static int[] transposedConvolution(LayerSpec layer, List<int[]> inputs) {
        LayerConfig c = layer.config();
        WindowOptions w = WindowOptions.of(layer);
        int[] x = inputs.get(0);
        SpatialAxes.requireRank(layer, x, w.rank());
        int[] r = x.clone();
        for (int i = 0; i < w.rank(); i++) {
            int d = x[w.spatialAxis(i)];
            r[w.spatialAxis(i)] = d < 0 ? Shapes.UNKNOWN : SpatialAxes.transposedLength(c, d, w.window()[i],
                    w.padding(), w.outputPadding() == null ? null : w.outputPadding()[i], w.strides()[i],
                    w.dilation()[i]);
        }
        r[w.channelAxis()] = c.requireInt("filters");
        return r;
    }

    /** Max/AveragePooling of any spatial rank: pool_size defaults to 2 per axis, strides to pool_size. */
    static int[] pooling(LayerSpec layer, List<int[]> inputs) {
        return windowed(layer, WindowOptions.of(layer), inputs.get(0));
    }

    /** The input shape with each spatial axis replaced by Keras' {@code conv_output_length} of its window. */
    private static int[] windowed(LayerSpec layer, WindowOptions w, int[] x) {
        SpatialAxes.requireRank(layer, x, w.rank());
        int[] r = x.clone();
        for (int i = 0; i < w.rank(); i++) {
            r[w.spatialAxis(i)] = ShapeInference.windowOutputLength(layer.config(), x[w.spatialAxis(i)],
                    w.window()[i], w.strides()[i], w.dilation()[i], w.padding());
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
        int[] size = UpSamplingOptions.of(layer).size();
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
