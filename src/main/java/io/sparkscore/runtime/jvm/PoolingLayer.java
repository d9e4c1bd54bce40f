package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.SpatialAxes;
import io.sparkscore.model.layers.WindowOptions;

/**
 * Keras Max/AveragePooling1D/2D/3D, channels_last. Padded cells never take part: max pooling ignores them and
 * 'same' average pooling divides by the number of real cells in the window, as TensorFlow's pooling kernels do.
 */
final class PoolingLayer implements JvmLayer {

    private final boolean max;
    private final WindowGeometry g;
    private final int channels;
    private final int inRowSize;
    private final int outRowSize;
    private final int[][] low;
    private final int[][] high;

    PoolingLayer(LayerSpec layer, int[] inShape) {
        LayerConfig c = layer.config();
        int n = SpatialAxes.rank(layer.className());
        WindowOptions w = WindowOptions.of(layer);
        this.max = layer.className().startsWith("Max");
        this.g = WindowGeometry.of(c, n, inShape, w.window(), w.strides(), w.dilation(), w.padding());
        this.channels = inShape[n];
        this.inRowSize = Weights.size(inShape);
        this.outRowSize = g.outPositions() * channels;
        this.low = bounds(g, false);
        this.high = bounds(g, true);
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        int inH = g.in()[1];
        int inW = g.in()[2];
        int[] d0 = low[0];
        int[] d1 = high[0];
        int[] y0 = low[1];
        int[] y1 = high[1];
        int[] x0 = low[2];
        int[] x1 = high[2];
        for (int r = 0; r < rows; r++) {
            int inBase = r * inRowSize;
            int o = r * outRowSize;
            for (int od = 0; od < d0.length; od++) {
                for (int oy = 0; oy < y0.length; oy++) {
                    for (int ox = 0; ox < x0.length; ox++, o += channels) {
                        int cells = (d1[od] - d0[od]) * (y1[oy] - y0[oy]) * (x1[ox] - x0[ox]);
                        for (int ch = 0; ch < channels; ch++) {
                            float acc = max ? Float.NEGATIVE_INFINITY : 0f;
                            for (int d = d0[od]; d < d1[od]; d++) {
                                for (int y = y0[oy]; y < y1[oy]; y++) {
                                    int rowPos = inBase + (d * inH + y) * inW * channels + ch;
                                    for (int x = x0[ox]; x < x1[ox]; x++) {
                                        float v = in[rowPos + x * channels];
                                        acc = max ? Math.max(acc, v) : acc + v;
                                    }
                                }
                            }
                            output[o + ch] = max ? acc : acc / cells;
                        }
                    }
                }
            }
        }
    }

    /**
     * Per axis and output position, the first ({@code high}: one past the last) real, unpadded input cell the window
     * covers.
     */
    private static int[][] bounds(WindowGeometry g, boolean upper) {
        int[][] r = new int[3][];
        for (int axis = 0; axis < 3; axis++) {
            r[axis] = new int[g.out()[axis]];
            for (int p = 0; p < r[axis].length; p++) {
                int start = p * g.stride()[axis] - g.before()[axis];
                r[axis][p] = upper ? Math.min(start + g.window()[axis], g.in()[axis]) : Math.max(start, 0);
            }
        }
        return r;
    }
}
