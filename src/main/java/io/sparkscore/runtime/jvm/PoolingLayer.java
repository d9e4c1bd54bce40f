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

    PoolingLayer(LayerSpec layer, int[] inShape) {
        LayerConfig c = layer.config();
        int n = SpatialAxes.rank(layer.className());
        WindowOptions w = WindowOptions.of(layer);
        this.max = layer.className().startsWith("Max");
        this.g = WindowGeometry.of(c, n, inShape, w.window(), w.strides(), w.dilation(), w.padding());
        this.channels = inShape[n];
        this.inRowSize = Weights.size(inShape);
        this.outRowSize = g.outPositions() * channels;
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        int[] i = g.in();
        for (int r = 0; r < rows; r++) {
            int inBase = r * inRowSize;
            int o = r * outRowSize;
            for (int od = 0; od < g.out()[0]; od++) {
                int d0 = low(0, od);
                int d1 = high(0, od);
                for (int oy = 0; oy < g.out()[1]; oy++) {
                    int y0 = low(1, oy);
                    int y1 = high(1, oy);
                    for (int ox = 0; ox < g.out()[2]; ox++, o += channels) {
                        int x0 = low(2, ox);
                        int x1 = high(2, ox);
                        int cells = (d1 - d0) * (y1 - y0) * (x1 - x0);
                        for (int ch = 0; ch < channels; ch++) {
                            float acc = max ? Float.NEGATIVE_INFINITY : 0f;
                            for (int d = d0; d < d1; d++) {
                                for (int y = y0; y < y1; y++) {
                                    int rowPos = inBase + (d * i[1] + y) * i[2] * channels + ch;
                                    for (int x = x0; x < x1; x++) {
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

    /** The first real (unpadded) input cell the window at output position {@code p} of an axis covers. */
    private int low(int axis, int p) {
        return Math.max(p * g.stride()[axis] - g.before()[axis], 0);
    }

    /** One past the last real input cell the window at output position {@code p} of an axis covers. */
    private int high(int axis, int p) {
        return Math.min(p * g.stride()[axis] - g.before()[axis] + g.window()[axis], g.in()[axis]);
    }
}
