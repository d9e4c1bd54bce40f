package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.ShapeInference;
import io.sparkscore.model.layers.SpatialAxes;

/**
 * Where a convolution or pooling window of a 1D, 2D or 3D channels_last layer reads: per spatial axis the input and
 * output lengths, window, stride, dilation and the padding before it. Every layer is treated as 3D: a 2D layer has a
 * depth of 1, a 1D layer also a height of 1, so one set of loops serves all ranks. Axis 0 is depth, 1 height,
 * 2 width.
 *
 * <p>For {@code same} padding Keras (through TensorFlow) pads {@code max((out - 1) * stride + span - in, 0)} in
 * total and puts the smaller half before, so an even window gets more padding after (right/bottom).
 * {@code causal} puts all {@code (window - 1) * dilation} padding before.
 */
record WindowGeometry(int[] in, int[] out, int[] window, int[] stride, int[] dilation, int[] before) {

    private static final int AXES = 3;

    /** The geometry of a convolution or pooling window sliding over the input. */
    static WindowGeometry of(LayerConfig c, int spatialRank, int[] inShape, int[] window, int[] strides,
                             int[] dilation, String padding) {
        WindowGeometry g = padded(spatialRank, inShape, window, strides, dilation);
        for (int i = 0; i < AXES; i++) {
            g.out[i] = ShapeInference.windowOutputLength(c, g.in[i], g.window[i], g.stride[i], g.dilation[i],
                    padding);
            int span = (g.window[i] - 1) * g.dilation[i] + 1;
            g.before[i] = switch (padding) {
                case "same" -> Math.max((g.out[i] - 1) * g.stride[i] + span - g.in[i], 0) / 2;
                case "causal" -> span - 1;
                default -> 0;
            };
        }
        return g;
    }

    /**
     * The geometry of a transposed convolution (Conv1D/2D/3DTranspose, no dilation): {@code in} is the layer's input,
     * {@code out} its output of Keras' {@code deconv_output_length}, and {@code before} the padding TensorFlow's
     * input-gradient op assumes for the forward convolution from {@code out} to {@code in}: none for {@code valid},
     * half (rounded down) of {@code max((in - 1) * stride + window - out, 0)} for {@code same}. Input position
     * {@code i} and window tap {@code k} then land on output position {@code i * stride + k - before}.
     */
    static WindowGeometry transposed(LayerConfig c, int spatialRank, int[] inShape, int[] window, int[] strides,
                                     String padding, int[] outputPadding) {
        WindowGeometry g = padded(spatialRank, inShape, window, strides, ones(spatialRank));
        int lead = AXES - spatialRank;
        for (int i = 0; i < AXES; i++) {
            Integer extra = outputPadding == null || i < lead ? null : outputPadding[i - lead];
            g.out[i] = i < lead ? 1 : SpatialAxes.transposedLength(c, g.in[i], g.window[i], padding, extra,
                    g.stride[i], 1);
            g.before[i] = padding.equals("same")
                    ? Math.max((g.in[i] - 1) * g.stride[i] + g.window[i] - g.out[i], 0) / 2 : 0;
        }
        return g;
    }

    private static int[] ones(int n) {
        int[] r = new int[n];
        java.util.Arrays.fill(r, 1);
        return r;
    }

    /** Leading unit axes up to 3D; output lengths and padding still to be filled in. */
    private static WindowGeometry padded(int spatialRank, int[] inShape, int[] window, int[] strides,
                                         int[] dilation) {
        int lead = AXES - spatialRank;
        int[] in = new int[AXES];
        int[] k = new int[AXES];
        int[] s = new int[AXES];
        int[] d = new int[AXES];
        for (int i = 0; i < AXES; i++) {
            boolean real = i >= lead;
            in[i] = real ? inShape[i - lead] : 1;
            k[i] = real ? window[i - lead] : 1;
            s[i] = real ? strides[i - lead] : 1;
            d[i] = real ? dilation[i - lead] : 1;
        }
        return new WindowGeometry(in, new int[AXES], k, s, d, new int[AXES]);
    }

    int outPositions() {
        return out[0] * out[1] * out[2];
    }

    int inPositions() {
        return in[0] * in[1] * in[2];
    }

    int taps() {
        return window[0] * window[1] * window[2];
    }
}
