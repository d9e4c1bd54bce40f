package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.MaskingOptions;

/**
 * The jvm path's Keras masks: a mask is a tensor of its own in the forward pass, one float per step (every position
 * but the last axis; 1 = keep, 0 = masked), computed by the steps here and read by the layers that apply it (see
 * {@link MaskRules}).
 */
final class MaskLayers {

    private MaskLayers() {
    }

    /** Masking's output: {@code x * any(x != mask_value)} per step, as Keras computes it. */
    static JvmLayer masking(LayerSpec layer, int[] inShape) {
        float value = (float) MaskingOptions.of(layer).maskValue();
        int features = inShape[inShape.length - 1];
        int rowSize = Weights.size(inShape);
        return (inputs, rows, output, scratch, off) -> {
            float[] in = inputs[0];
            for (int s = 0; s < rows * rowSize; s += features) {
                float keep = kept(in, s, features, value);
                for (int f = 0; f < features; f++) {
                    output[s + f] = in[s + f] * keep;
                }
            }
        };
    }

    /** The mask Masking creates: 1 where any feature of the step differs from {@code mask_value}. */
    static JvmLayer maskingMask(LayerSpec layer, int[] inShape) {
        float value = (float) MaskingOptions.of(layer).maskValue();
        int features = inShape[inShape.length - 1];
        int steps = Weights.size(inShape) / features;
        return (inputs, rows, output, scratch, off) -> {
            float[] in = inputs[0];
            for (int s = 0; s < rows * steps; s++) {
                output[s] = kept(in, s * features, features, value);
            }
        };
    }

    private static float kept(float[] in, int at, int features, float value) {
        for (int f = 0; f < features; f++) {
            if (in[at + f] != value) {
                return 1f;
            }
        }
        return 0f;
    }

    /** The mask Embedding with {@code mask_zero=true} creates: 1 where the index is not 0. */
    static JvmLayer indexMask(int[] inShape) {
        int size = Weights.size(inShape);
        return (inputs, rows, output, scratch, off) -> {
            float[] in = inputs[0];
            for (int p = 0; p < rows * size; p++) {
                output[p] = in[p] != 0f ? 1f : 0f;
            }
        };
    }

    /** The mask of an input that carries none, for a layer that reads one per input: every step kept. */
    static JvmLayer allKept(int steps) {
        return (inputs, rows, output, scratch, off) -> java.util.Arrays.fill(output, 0, rows * steps, 1f);
    }

    /**
     * The mask of a merge: a step is kept where every input's mask keeps it ({@code keptByAll}, Keras 2) or where any
     * does (Keras 3).
     */
    static JvmLayer combined(int steps, boolean keptByAll) {
        return (inputs, rows, output, scratch, off) -> {
            int n = rows * steps;
            System.arraycopy(inputs[0], 0, output, 0, n);
            for (int k = 1; k < inputs.length; k++) {
                float[] m = inputs[k];
                for (int p = 0; p < n; p++) {
                    output[p] = keptByAll ? output[p] * m[p] : Math.max(output[p], m[p]);
                }
            }
        };
    }
}
