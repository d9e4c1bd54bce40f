package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.DotOptions;

import java.util.List;

/**
 * Keras Dot: per row, the sum over one axis of each input of their products; the output lists the first input's
 * remaining positions, then the second's. With {@code normalize} both inputs are first L2-normalised along their dot
 * axis, with the inverse norm capped as the file's Keras version does (see {@link DotOptions}), which turns the
 * result into cosine similarities.
 */
final class DotLayer implements JvmLayer {

    private final int sizeA;
    private final int sizeB;
    private final int length;
    private final int strideA;
    private final int strideB;
    private final int[] startsA;
    private final int[] startsB;
    private final boolean normalize;
    private final double maxInverseNorm;

    DotLayer(LayerSpec layer, List<int[]> inShapes, int kerasMajor) {
        int[] a = inShapes.get(0);
        int[] b = inShapes.get(1);
        DotOptions options = DotOptions.of(layer, kerasMajor);
        int[] axes = options.rowAxes(layer.config(), a, b);
        this.sizeA = Weights.size(a);
        this.sizeB = Weights.size(b);
        this.length = a[axes[0]];
        this.strideA = IndexMaps.strides(a)[axes[0]];
        this.strideB = IndexMaps.strides(b)[axes[1]];
        this.startsA = IndexMaps.reduction(a, new int[] {axes[0]})[0];
        this.startsB = IndexMaps.reduction(b, new int[] {axes[1]})[0];
        this.normalize = options.normalize();
        this.maxInverseNorm = options.maxInverseNorm();
    }

    @Override
    public int scratchSize(int rows) {
        return normalize ? sizeA + sizeB : 0;
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        int outRowSize = startsA.length * startsB.length;
        for (int r = 0; r < rows; r++) {
            float[] a = inputs[0];
            float[] b = inputs[1];
            int baseA = r * sizeA;
            int baseB = r * sizeB;
            if (normalize) {
                normalizedCopy(a, baseA, strideA, startsA, scratch, scratchOffset);
                normalizedCopy(b, baseB, strideB, startsB, scratch, scratchOffset + sizeA);
                a = scratch;
                b = scratch;
                baseA = scratchOffset;
                baseB = scratchOffset + sizeA;
            }
            int o = r * outRowSize;
            for (int startA : startsA) {
                for (int startB : startsB) {
                    float sum = 0;
                    for (int k = 0; k < length; k++) {
                        sum += a[baseA + startA + k * strideA] * b[baseB + startB + k * strideB];
                    }
                    output[o++] = sum;
                }
            }
        }
    }

    private void normalizedCopy(float[] src, int base, int stride, int[] starts, float[] dst, int dstBase) {
        for (int start : starts) {
            double squares = 0;
            for (int k = 0; k < length; k++) {
                float v = src[base + start + k * stride];
                squares += (double) v * v;
            }
            double inv = Math.min(1 / Math.sqrt(squares), maxInverseNorm);
            for (int k = 0; k < length; k++) {
                int p = start + k * stride;
                dst[dstBase + p] = (float) (src[base + p] * inv);
            }
        }
    }
}
