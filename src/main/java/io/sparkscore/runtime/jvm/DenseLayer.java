package io.sparkscore.runtime.jvm;

import io.sparkscore.model.Activation;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Shapes;

import java.util.Arrays;

/**
 * Keras Dense: {@code activation(x . kernel + bias)} on the last axis, so a rank-3 input is a batch of positions.
 * The kernel stays in Keras' [in, units] layout: the inner loop runs along a kernel row into the output row, which
 * the JIT vectorises.
 */
final class DenseLayer implements JvmLayer {

    private final int inUnits;
    private final int units;
    private final int positionsPerRow;
    private final float[] kernel;
    private final float[] bias;
    private final Activation activation;

    DenseLayer(LayerSpec layer, int[] inShape) {
        this.inUnits = inShape[inShape.length - 1];
        this.units = layer.config().requireInt("units");
        this.positionsPerRow = Math.toIntExact(Shapes.size(inShape) / inUnits);
        this.kernel = Weights.require(layer, "kernel", inUnits, units);
        this.bias = layer.config().getBoolean("use_bias", true) ? Weights.require(layer, "bias", units) : null;
        this.activation = Activation.of(layer.config().getString("activation", "linear"), layer.name(),
                layer.className());
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        int positions = rows * positionsPerRow;
        for (int p = 0; p < positions; p++) {
            int o = p * units;
            if (bias != null) {
                System.arraycopy(bias, 0, output, o, units);
            } else {
                Arrays.fill(output, o, o + units, 0f);
            }
        }
        int p = 0;
        for (; p + 4 <= positions; p += 4) {
            accumulateFour(in, p, output);
        }
        for (; p < positions; p++) {
            accumulateOne(in, p, output);
        }
        JvmActivations.apply(activation, output, 0, positions * units, units);
    }

    private void accumulateOne(float[] in, int p, float[] output) {
        int o = p * units;
        int x = p * inUnits;
        for (int i = 0; i < inUnits; i++) {
            float xv = in[x + i];
            int k = i * units;
            for (int j = 0; j < units; j++) {
                output[o + j] += xv * kernel[k + j];
            }
        }
    }

    /** Four positions per pass over the kernel: each kernel value is loaded once for four multiply-adds. */
    private void accumulateFour(float[] in, int p, float[] output) {
        int o0 = p * units;
        int o1 = o0 + units;
        int o2 = o1 + units;
        int o3 = o2 + units;
        int x0 = p * inUnits;
        int x1 = x0 + inUnits;
        int x2 = x1 + inUnits;
        int x3 = x2 + inUnits;
        for (int i = 0; i < inUnits; i++) {
            float a0 = in[x0 + i];
            float a1 = in[x1 + i];
            float a2 = in[x2 + i];
            float a3 = in[x3 + i];
            int k = i * units;
            for (int j = 0; j < units; j++) {
                float w = kernel[k + j];
                output[o0 + j] += a0 * w;
                output[o1 + j] += a1 * w;
                output[o2 + j] += a2 * w;
                output[o3 + j] += a3 * w;
            }
        }
    }
}
