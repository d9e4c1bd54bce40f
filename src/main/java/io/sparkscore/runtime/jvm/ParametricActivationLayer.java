package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Tensor;

import java.util.Arrays;

/**
 * The activation layers with options of their own: LeakyReLU, ELU, ReLU (max_value, negative_slope, threshold),
 * ThresholdedReLU and PReLU (learned slopes, broadcast over its shared axes).
 */
final class ParametricActivationLayer implements JvmLayer {

    private enum Kind { LEAKY_RELU, ELU, RELU, THRESHOLDED_RELU, PRELU }

    /** Keras' LeakyReLU layer default slope, in both Keras 2 ({@code alpha}) and Keras 3 ({@code negative_slope}). */
    static final double LEAKY_RELU_LAYER_DEFAULT_SLOPE = 0.3;

    private final Kind kind;
    private final int rowSize;
    private final float slope;
    /** ReLU's max_value; infinity when there is none. */
    private final float maxValue;
    private final float threshold;
    private final float[] preluSlopes;

    ParametricActivationLayer(LayerSpec layer, int[] shape) {
        LayerConfig c = layer.config();
        this.rowSize = Weights.size(shape);
        float slope = 0;
        float maxValue = Float.POSITIVE_INFINITY;
        float threshold = 0;
        float[] prelu = null;
        switch (layer.className()) {
            case "LeakyReLU" -> {
                kind = Kind.LEAKY_RELU;
                slope = (float) (c.has("negative_slope") ? c.getDouble("negative_slope", 0)
                        : c.getDouble("alpha", LEAKY_RELU_LAYER_DEFAULT_SLOPE));
            }
            case "ELU" -> {
                kind = Kind.ELU;
                slope = (float) c.getDouble("alpha", 1.0);
            }
            case "ReLU" -> {
                kind = Kind.RELU;
                slope = (float) c.getDouble("negative_slope", 0);
                Double max = c.getNullableDouble("max_value");
                maxValue = max == null ? Float.POSITIVE_INFINITY : max.floatValue();
                threshold = (float) c.getDouble("threshold", 0);
            }
            case "ThresholdedReLU" -> {
                kind = Kind.THRESHOLDED_RELU;
                threshold = (float) c.getDouble("theta", 1.0);
            }
            case "PReLU" -> {
                kind = Kind.PRELU;
                prelu = preluSlopes(layer, shape);
            }
            default -> throw new IllegalArgumentException(layer.className());
        }
        this.slope = slope;
        this.maxValue = maxValue;
        this.threshold = threshold;
        this.preluSlopes = prelu;
    }

    private static float[] preluSlopes(LayerSpec layer, int[] shape) {
        Tensor alpha = layer.weight("alpha");
        int[] alphaShape = alpha.shape();
        if (alphaShape.length != shape.length) {
            throw layer.config().unsupported("weight 'alpha' has shape " + Arrays.toString(alphaShape)
                    + " which does not match the rank of the input " + Arrays.toString(shape));
        }
        for (int d = 0; d < shape.length; d++) {
            if (alphaShape[d] != 1 && alphaShape[d] != shape[d]) {
                throw layer.config().unsupported("weight 'alpha' has shape " + Arrays.toString(alphaShape)
                        + " which cannot broadcast to the input " + Arrays.toString(shape));
            }
        }
        int[] map = IndexMaps.broadcast(alphaShape, shape);
        float[] full = new float[map.length];
        for (int p = 0; p < map.length; p++) {
            full[p] = alpha.data()[map[p]];
        }
        return full;
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        int n = rows * rowSize;
        switch (kind) {
            case LEAKY_RELU -> {
                for (int i = 0; i < n; i++) {
                    float x = in[i];
                    output[i] = x > 0 ? x : x * slope;
                }
            }
            case ELU -> {
                for (int i = 0; i < n; i++) {
                    float x = in[i];
                    output[i] = x > 0 ? x : (float) (slope * Math.expm1(x));
                }
            }
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    output[i] = relu(in[i]);
                }
            }
            case THRESHOLDED_RELU -> {
                for (int i = 0; i < n; i++) {
                    float x = in[i];
                    output[i] = x > threshold ? x : 0f;
                }
            }
            case PRELU -> {
                for (int r = 0; r < rows; r++) {
                    int base = r * rowSize;
                    for (int p = 0; p < rowSize; p++) {
                        float x = in[base + p];
                        output[base + p] = Math.max(x, 0f) - preluSlopes[p] * Math.max(-x, 0f);
                    }
                }
            }
        }
    }

    /** Keras' ReLU layer, step by step as keras.activations.relu computes it (so its edge cases agree too). */
    private float relu(float x) {
        float y = threshold != 0 ? (x > threshold ? x : 0f) : Math.max(x, 0f);
        if (maxValue != Float.POSITIVE_INFINITY) {
            y = Math.min(Math.max(y, 0f), maxValue);
        }
        if (slope != 0) {
            y -= slope * Math.max(threshold - x, 0f);
        }
        return y;
    }
}
