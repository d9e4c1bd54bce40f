package io.sparkscore.runtime.jvm;

import io.sparkscore.model.Activation;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.WindowOptions;

import java.util.Arrays;

/**
 * Keras Conv1DTranspose, Conv2DTranspose and Conv3DTranspose, channels_last, computed as what they are: each input
 * position scatters {@code in[i] * kernel[k]} onto output position {@code i * stride + k - before} for every window
 * tap {@code k} (no kernel flip), then bias and activation. The output size is Keras' {@code deconv_output_length}
 * (with {@code output_padding}); {@link WindowGeometry#transposed} says where the padding goes. Kernels stay in
 * Keras' {@code [spatial..., filters, in_channels]} layout.
 */
final class TransposedConvolutionLayer implements JvmLayer {

    private final WindowGeometry g;
    private final int inChannels;
    private final int filters;
    private final float[] kernel;
    private final float[] bias;
    private final Activation activation;
    private final int inRowSize;
    private final int outRowSize;

    TransposedConvolutionLayer(LayerSpec layer, int[] inShape) {
        LayerConfig c = layer.config();
        WindowOptions w = WindowOptions.of(layer);
        int n = w.rank();
        if (Arrays.stream(w.dilation()).anyMatch(d -> d != 1)) {
            throw c.unsupported("dilation_rate " + Arrays.toString(w.dilation()) + " is not supported for"
                    + " transposed convolution");
        }
        this.g = WindowGeometry.transposed(c, n, inShape, w.window(), w.strides(), w.padding(), w.outputPadding());
        this.inChannels = inShape[n];
        this.filters = c.requireInt("filters");
        int[] kernelShape = Arrays.copyOf(w.window(), n + 2);
        kernelShape[n] = filters;
        kernelShape[n + 1] = inChannels;
        this.kernel = Weights.require(layer, "kernel", kernelShape);
        this.bias = c.getBoolean("use_bias", true) ? Weights.require(layer, "bias", filters) : null;
        this.activation = JvmLayers.activation(layer, "activation", "linear");
        this.inRowSize = Weights.size(inShape);
        this.outRowSize = g.outPositions() * filters;
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        for (int r = 0; r < rows; r++) {
            int outBase = r * outRowSize;
            for (int p = 0; p < g.outPositions(); p++) {
                int o = outBase + p * filters;
                if (bias != null) {
                    System.arraycopy(bias, 0, output, o, filters);
                } else {
                    Arrays.fill(output, o, o + filters, 0f);
                }
            }
            scatter(in, r * inRowSize, output, outBase);
        }
        JvmActivations.apply(activation, output, 0, rows * outRowSize, filters);
    }

    private void scatter(float[] in, int inBase, float[] out, int outBase) {
        int[] i = g.in();
        int[] o = g.out();
        int[] k = g.window();
        int x = inBase;
        for (int id = 0; id < i[0]; id++) {
            for (int iy = 0; iy < i[1]; iy++) {
                for (int ix = 0; ix < i[2]; ix++, x += inChannels) {
                    for (int kd = 0; kd < k[0]; kd++) {
                        int od = id * g.stride()[0] + kd - g.before()[0];
                        if (od < 0 || od >= o[0]) {
                            continue;
                        }
                        for (int ky = 0; ky < k[1]; ky++) {
                            int oy = iy * g.stride()[1] + ky - g.before()[1];
                            if (oy < 0 || oy >= o[1]) {
                                continue;
                            }
                            for (int kx = 0; kx < k[2]; kx++) {
                                int ox = ix * g.stride()[2] + kx - g.before()[2];
                                if (ox < 0 || ox >= o[2]) {
                                    continue;
                                }
                                int at = outBase + ((od * o[1] + oy) * o[2] + ox) * filters;
                                int tap = ((kd * k[1] + ky) * k[2] + kx) * filters * inChannels;
                                addTap(in, x, tap, out, at);
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@code out[f] += sum_c in[c] * kernel[tap, f, c]} for every filter. */
    private void addTap(float[] in, int x, int tap, float[] out, int at) {
        for (int f = 0; f < filters; f++) {
            int kf = tap + f * inChannels;
            float acc = 0f;
            for (int ch = 0; ch < inChannels; ch++) {
                acc += in[x + ch] * kernel[kf + ch];
            }
            out[at + f] += acc;
        }
    }
}
