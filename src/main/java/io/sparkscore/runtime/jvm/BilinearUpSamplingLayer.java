package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.UpSamplingOptions;

/**
 * Keras UpSampling2D with {@code interpolation='bilinear'}: tf.image.resize's bilinear mode with half-pixel centres
 * (source coordinate {@code (out + 0.5) / size - 0.5}, neighbours clamped to the edge), channels_last.
 */
final class BilinearUpSamplingLayer implements JvmLayer {

    private final int inH;
    private final int inW;
    private final int outH;
    private final int outW;
    private final int channels;
    private final int[] top;
    private final int[] bottom;
    private final float[] yLerp;
    private final int[] left;
    private final int[] right;
    private final float[] xLerp;

    BilinearUpSamplingLayer(LayerSpec layer, int[] inShape) {
        int[] size = UpSamplingOptions.of(layer).size();
        this.inH = inShape[0];
        this.inW = inShape[1];
        this.channels = inShape[2];
        this.outH = inH * size[0];
        this.outW = inW * size[1];
        this.top = new int[outH];
        this.bottom = new int[outH];
        this.yLerp = new float[outH];
        weights(inH, outH, top, bottom, yLerp);
        this.left = new int[outW];
        this.right = new int[outW];
        this.xLerp = new float[outW];
        weights(inW, outW, left, right, xLerp);
    }

    private static void weights(int in, int out, int[] lower, int[] upper, float[] lerp) {
        float scale = (float) in / out;
        for (int i = 0; i < out; i++) {
            float src = (i + 0.5f) * scale - 0.5f;
            float floor = (float) Math.floor(src);
            lower[i] = Math.max((int) floor, 0);
            upper[i] = Math.min((int) Math.ceil(src), in - 1);
            lerp[i] = src - floor;
        }
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        int inRow = inH * inW * channels;
        int outRow = outH * outW * channels;
        for (int r = 0; r < rows; r++) {
            int base = r * inRow;
            for (int y = 0; y < outH; y++) {
                int t = base + top[y] * inW * channels;
                int b = base + bottom[y] * inW * channels;
                float yl = yLerp[y];
                for (int x = 0; x < outW; x++) {
                    int lo = left[x] * channels;
                    int hi = right[x] * channels;
                    float xl = xLerp[x];
                    int o = r * outRow + (y * outW + x) * channels;
                    for (int ch = 0; ch < channels; ch++) {
                        float tl = in[t + lo + ch];
                        float tr = in[t + hi + ch];
                        float bl = in[b + lo + ch];
                        float br = in[b + hi + ch];
                        float upper = tl + (tr - tl) * xl;
                        float lower = bl + (br - bl) * xl;
                        output[o + ch] = upper + (lower - upper) * yl;
                    }
                }
            }
        }
    }
}
