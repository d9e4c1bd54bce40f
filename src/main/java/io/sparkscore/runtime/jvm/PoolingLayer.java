package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.SpatialAxes;
import io.sparkscore.model.layers.WindowOptions;

/**
 * Keras Max/AveragePooling1D/2D, channels_last. Padded cells never take part: max pooling ignores them and
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
        for (int r = 0; r < rows; r++) {
            int inBase = r * inRowSize;
            for (int oy = 0; oy < g.outH(); oy++) {
                int y0 = Math.max(oy * g.strideH() - g.padTop(), 0);
                int y1 = Math.min(oy * g.strideH() - g.padTop() + g.kH(), g.inH());
                for (int ox = 0; ox < g.outW(); ox++) {
                    int x0 = Math.max(ox * g.strideW() - g.padLeft(), 0);
                    int x1 = Math.min(ox * g.strideW() - g.padLeft() + g.kW(), g.inW());
                    int o = r * outRowSize + (oy * g.outW() + ox) * channels;
                    for (int ch = 0; ch < channels; ch++) {
                        float acc = max ? Float.NEGATIVE_INFINITY : 0f;
                        for (int y = y0; y < y1; y++) {
                            int rowPos = inBase + y * g.inW() * channels + ch;
                            for (int x = x0; x < x1; x++) {
                                float v = in[rowPos + x * channels];
                                acc = max ? Math.max(acc, v) : acc + v;
                            }
                        }
                        output[o + ch] = max ? acc : acc / ((y1 - y0) * (x1 - x0));
                    }
                }
            }
        }
    }
}
