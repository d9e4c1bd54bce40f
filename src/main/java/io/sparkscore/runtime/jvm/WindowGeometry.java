package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.ShapeInference;

/**
 * Where a convolution or pooling window of a 1D or 2D channels_last layer reads: sizes, strides, dilation and the
 * padding before each axis. 1D layers are treated as 2D with a height of 1.
 *
 * <p>For {@code same} padding Keras (through TensorFlow) pads {@code max((out - 1) * stride + span - in, 0)} in
 * total and puts the smaller half before, so an even window gets more padding after (right/bottom).
 * {@code causal} puts all {@code (window - 1) * dilation} padding before.
 */
record WindowGeometry(int inH, int inW, int outH, int outW, int kH, int kW, int strideH, int strideW,
                      int dilationH, int dilationW, int padTop, int padLeft) {

    static WindowGeometry of(LayerConfig c, int spatialRank, int[] inShape, int[] window, int[] strides,
                             int[] dilation, String padding) {
        int[] in = spatialRank == 1 ? new int[] {1, inShape[0]} : new int[] {inShape[0], inShape[1]};
        int[] k = spatialRank == 1 ? new int[] {1, window[0]} : window;
        int[] s = spatialRank == 1 ? new int[] {1, strides[0]} : strides;
        int[] d = spatialRank == 1 ? new int[] {1, dilation[0]} : dilation;
        int[] out = new int[2];
        int[] before = new int[2];
        for (int i = 0; i < 2; i++) {
            out[i] = ShapeInference.windowOutputLength(c, in[i], k[i], s[i], d[i], padding);
            int span = (k[i] - 1) * d[i] + 1;
            before[i] = switch (padding) {
                case "same" -> Math.max((out[i] - 1) * s[i] + span - in[i], 0) / 2;
                case "causal" -> span - 1;
                default -> 0;
            };
        }
        return new WindowGeometry(in[0], in[1], out[0], out[1], k[0], k[1], s[0], s[1], d[0], d[1], before[0],
                before[1]);
    }

    int outPositions() {
        return outH * outW;
    }

    int inPositions() {
        return inH * inW;
    }
}
