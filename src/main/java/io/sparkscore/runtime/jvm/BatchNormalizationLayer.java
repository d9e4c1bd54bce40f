package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ShapeInference;

import java.util.Arrays;

/**
 * Keras BatchNormalization at inference: {@code x * inv + (beta - moving_mean * inv)} with
 * {@code inv = gamma / sqrt(moving_variance + epsilon)}, as tf.nn.batch_normalization computes it. The per-channel
 * factors are folded and expanded to a whole row once at load time.
 */
final class BatchNormalizationLayer implements JvmLayer {

    private final int rowSize;
    private final float[] scale;
    private final float[] shift;

    BatchNormalizationLayer(LayerSpec layer, int[] shape) {
        LayerConfig c = layer.config();
        this.rowSize = Weights.size(shape);
        int[] axes = ShapeInference.rowAxes(c, "axis", -1, shape.length);
        int[] paramShape = new int[shape.length];
        Arrays.fill(paramShape, 1);
        int params = 1;
        for (int a : axes) {
            paramShape[a] = shape[a];
            params *= shape[a];
        }
        double epsilon = c.getDouble("epsilon", 1e-3);
        float[] mean = Weights.requireSize(layer, "moving_mean", params);
        float[] variance = Weights.requireSize(layer, "moving_variance", params);
        float[] gamma = c.getBoolean("scale", true) ? Weights.requireSize(layer, "gamma", params) : null;
        float[] beta = c.getBoolean("center", true) ? Weights.requireSize(layer, "beta", params) : null;
        float[] channelScale = new float[params];
        float[] channelShift = new float[params];
        for (int i = 0; i < params; i++) {
            float inv = (float) (1 / Math.sqrt((double) variance[i] + epsilon));
            if (gamma != null) {
                inv *= gamma[i];
            }
            channelScale[i] = inv;
            channelShift[i] = (beta == null ? 0f : beta[i]) - mean[i] * inv;
        }
        int[] map = IndexMaps.broadcast(paramShape, shape);
        scale = new float[rowSize];
        shift = new float[rowSize];
        for (int p = 0; p < rowSize; p++) {
            scale[p] = channelScale[map[p]];
            shift[p] = channelShift[map[p]];
        }
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        for (int r = 0; r < rows; r++) {
            int base = r * rowSize;
            for (int p = 0; p < rowSize; p++) {
                output[base + p] = in[base + p] * scale[p] + shift[p];
            }
        }
    }
}
