package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.GroupNormalizationOptions;

/**
 * Keras GroupNormalization over the last (channels) axis: the channels split into {@code groups} consecutive parts;
 * each part is normalised by the mean and biased variance (in double) over its channels at every position of the
 * row, {@code (x - mean) / sqrt(var + epsilon)}, then scaled by gamma and shifted by beta per channel.
 */
final class GroupNormalizationLayer implements JvmLayer {

    private final int positions;
    private final int channels;
    private final int groups;
    private final double epsilon;
    private final float[] gamma;
    private final float[] beta;

    GroupNormalizationLayer(LayerSpec layer, int[] shape) {
        GroupNormalizationOptions o = GroupNormalizationOptions.of(layer);
        this.channels = shape[shape.length - 1];
        o.checkChannels(layer.config(), channels);
        this.positions = Weights.size(shape) / channels;
        this.groups = o.groups();
        this.epsilon = o.epsilon();
        this.gamma = o.scale() ? Weights.require(layer, "gamma", channels) : null;
        this.beta = o.center() ? Weights.require(layer, "beta", channels) : null;
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        int width = channels / groups;
        int n = positions * width;
        for (int r = 0; r < rows; r++) {
            int row = r * positions * channels;
            for (int g = 0; g < groups; g++) {
                int first = row + g * width;
                double sum = 0;
                for (int p = 0; p < positions; p++) {
                    for (int c = 0; c < width; c++) {
                        sum += in[first + p * channels + c];
                    }
                }
                double mean = sum / n;
                double squares = 0;
                for (int p = 0; p < positions; p++) {
                    for (int c = 0; c < width; c++) {
                        double d = in[first + p * channels + c] - mean;
                        squares += d * d;
                    }
                }
                double inv = 1 / Math.sqrt(squares / n + epsilon);
                for (int p = 0; p < positions; p++) {
                    for (int c = 0; c < width; c++) {
                        int at = first + p * channels + c;
                        int channel = g * width + c;
                        double y = (in[at] - mean) * inv;
                        if (gamma != null) {
                            y *= gamma[channel];
                        }
                        if (beta != null) {
                            y += beta[channel];
                        }
                        output[at] = (float) y;
                    }
                }
            }
        }
    }
}
