package io.sparkscore.runtime.jvm;

import io.sparkscore.model.Activation;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.SpatialAxes;
import io.sparkscore.model.layers.WindowOptions;

import java.util.Arrays;

/**
 * Keras' 1D, 2D and 3D convolutions in channels_last layout: Conv1D/2D/3D (with groups), DepthwiseConv1D/2D (a
 * grouped convolution with one group per input channel) and SeparableConv1D/2D (depthwise, then a pointwise 1x1
 * projection). Kernels stay in Keras' {@code [kd, kh, kw, in / groups, out]} layout, whose innermost axis is the
 * output channel the inner loop runs along.
 */
final class ConvolutionLayer implements JvmLayer {

    private final WindowGeometry g;
    private final int inChannels;
    private final int convChannels;
    private final int groups;
    private final float[] kernel;
    /** Separable only: the [convChannels, outChannels] pointwise kernel; null otherwise. */
    private final float[] pointwise;
    private final int outChannels;
    private final float[] bias;
    private final Activation activation;
    private final int inRowSize;
    private final int outRowSize;

    ConvolutionLayer(LayerSpec layer, int[] inShape) {
        LayerConfig c = layer.config();
        String cls = layer.className();
        int n = SpatialAxes.rank(cls);
        WindowOptions w = WindowOptions.of(layer);
        int[] window = w.window();
        this.g = WindowGeometry.of(c, n, inShape, window, w.strides(), w.dilation(), w.padding());
        this.inChannels = inShape[n];
        int[] spatial = window;
        if (cls.startsWith("Conv")) {
            this.groups = c.getInt("groups", 1);
            int filters = c.requireInt("filters");
            if (inChannels % groups != 0 || filters % groups != 0) {
                throw c.unsupported("groups=" + groups + " does not divide the " + inChannels
                        + " input channels and " + filters + " filters");
            }
            this.convChannels = filters;
            this.kernel = Weights.require(layer, "kernel", concat(spatial, inChannels / groups, filters));
            this.pointwise = null;
            this.outChannels = filters;
        } else {
            int multiplier = c.getInt("depth_multiplier", 1);
            this.groups = inChannels;
            this.convChannels = inChannels * multiplier;
            this.kernel = Weights.require(layer, "depthwise_kernel", concat(spatial, inChannels, multiplier));
            if (cls.startsWith("Separable")) {
                this.outChannels = c.requireInt("filters");
                int[] unit = new int[n];
                Arrays.fill(unit, 1);
                this.pointwise = Weights.require(layer, "pointwise_kernel", concat(unit, convChannels, outChannels));
            } else {
                this.outChannels = convChannels;
                this.pointwise = null;
            }
        }
        this.bias = c.getBoolean("use_bias", true) ? Weights.require(layer, "bias", outChannels) : null;
        this.activation = JvmLayers.activation(layer, "activation", "linear");
        this.inRowSize = Weights.size(inShape);
        this.outRowSize = g.outPositions() * outChannels;
    }

    private static int[] concat(int[] spatial, int a, int b) {
        int[] r = Arrays.copyOf(spatial, spatial.length + 2);
        r[spatial.length] = a;
        r[spatial.length + 1] = b;
        return r;
    }

    @Override
    public int scratchSize(int rows) {
        return pointwise == null ? 0 : g.outPositions() * convChannels;
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        for (int r = 0; r < rows; r++) {
            if (pointwise == null) {
                convolve(in, r * inRowSize, output, r * outRowSize, bias);
            } else {
                convolve(in, r * inRowSize, scratch, scratchOffset, null);
                project(scratch, scratchOffset, output, r * outRowSize);
            }
        }
        JvmActivations.apply(activation, output, 0, rows * outRowSize, outChannels);
    }

    /**
     * One row's convolution plus bias, without the activation, read from and written to any offsets (ConvLSTM's steps
     * and state); plain convolutions only.
     */
    void convolveRow(float[] in, int inBase, float[] out, int outBase) {
        if (pointwise != null) {
            throw new IllegalStateException("a separable convolution has no single-row form");
        }
        convolve(in, inBase, out, outBase, bias);
    }

    private void convolve(float[] in, int inBase, float[] out, int outBase, float[] initial) {
        int cinG = inChannels / groups;
        int coutG = convChannels / groups;
        // the geometry in locals: the loops below are the path's hot spot
        int inD = g.in()[0];
        int inH = g.in()[1];
        int inW = g.in()[2];
        int kD = g.window()[0];
        int kH = g.window()[1];
        int kW = g.window()[2];
        int sD = g.stride()[0];
        int sH = g.stride()[1];
        int sW = g.stride()[2];
        int dD = g.dilation()[0];
        int dH = g.dilation()[1];
        int dW = g.dilation()[2];
        int pD = g.before()[0];
        int pH = g.before()[1];
        int pW = g.before()[2];
        int o = outBase;
        for (int od = 0; od < g.out()[0]; od++) {
            for (int oy = 0; oy < g.out()[1]; oy++) {
                for (int ox = 0; ox < g.out()[2]; ox++, o += convChannels) {
                    if (initial != null) {
                        System.arraycopy(initial, 0, out, o, convChannels);
                    } else {
                        Arrays.fill(out, o, o + convChannels, 0f);
                    }
                    for (int kd = 0; kd < kD; kd++) {
                        int id = od * sD - pD + kd * dD;
                        if (id < 0 || id >= inD) {
                            continue;
                        }
                        for (int ky = 0; ky < kH; ky++) {
                            int iy = oy * sH - pH + ky * dH;
                            if (iy < 0 || iy >= inH) {
                                continue;
                            }
                            for (int kx = 0; kx < kW; kx++) {
                                int ix = ox * sW - pW + kx * dW;
                                if (ix < 0 || ix >= inW) {
                                    continue;
                                }
                                int inPos = inBase + ((id * inH + iy) * inW + ix) * inChannels;
                                int kPos = ((kd * kH + ky) * kW + kx) * cinG * convChannels;
                                for (int grp = 0; grp < groups; grp++) {
                                    int oG = o + grp * coutG;
                                    for (int ci = 0; ci < cinG; ci++) {
                                        float xv = in[inPos + grp * cinG + ci];
                                        int kk = kPos + ci * convChannels + grp * coutG;
                                        for (int co = 0; co < coutG; co++) {
                                            out[oG + co] += xv * kernel[kk + co];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private void project(float[] depthwise, int base, float[] out, int outBase) {
        for (int p = 0; p < g.outPositions(); p++) {
            int o = outBase + p * outChannels;
            if (bias != null) {
                System.arraycopy(bias, 0, out, o, outChannels);
            } else {
                Arrays.fill(out, o, o + outChannels, 0f);
            }
            int x = base + p * convChannels;
            for (int ci = 0; ci < convChannels; ci++) {
                float xv = depthwise[x + ci];
                int k = ci * outChannels;
                for (int co = 0; co < outChannels; co++) {
                    out[o + co] += xv * pointwise[k + co];
                }
            }
        }
    }
}
