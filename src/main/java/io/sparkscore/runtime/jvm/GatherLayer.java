package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.PaddingOptions;
import io.sparkscore.model.layers.SpatialAxes;

import java.util.function.IntBinaryOperator;

/**
 * Layers that only move values, each output position reading one input position from a table built at load time:
 * Permute, RepeatVector, ZeroPadding (a negative source means a zero), Cropping and nearest-neighbour UpSampling.
 */
final class GatherLayer implements JvmLayer {

    private final int inRowSize;
    private final int[] sourceOf;

    GatherLayer(int inRowSize, int[] sourceOf) {
        this.inRowSize = inRowSize;
        this.sourceOf = sourceOf;
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        int outRowSize = sourceOf.length;
        for (int r = 0; r < rows; r++) {
            int inBase = r * inRowSize;
            int outBase = r * outRowSize;
            for (int p = 0; p < outRowSize; p++) {
                int src = sourceOf[p];
                output[outBase + p] = src < 0 ? 0f : in[inBase + src];
            }
        }
    }

    /** Permute; ShapeInference has already checked that {@code dims} is a permutation. */
    static GatherLayer permute(LayerSpec layer, int[] inShape) {
        int[] dims = layer.config().getInts("dims", inShape.length, null);
        int[] zeroBased = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            zeroBased[i] = dims[i] - 1;
        }
        return new GatherLayer(Weights.size(inShape), IndexMaps.permute(inShape, zeroBased));
    }

    static GatherLayer repeatVector(LayerSpec layer, int[] inShape) {
        int n = layer.config().requireInt("n");
        int features = Weights.size(inShape);
        int[] map = new int[n * features];
        for (int p = 0; p < map.length; p++) {
            map[p] = p % features;
        }
        return new GatherLayer(features, map);
    }

    /** ZeroPadding, Cropping and nearest UpSampling, 1D or 2D channels_last. */
    static GatherLayer resize(LayerSpec layer, int[] inShape, int[] outShape) {
        LayerConfig c = layer.config();
        String cls = layer.className();
        int n = SpatialAxes.rank(cls);
        IntBinaryOperator sourceCoordinate;
        if (cls.startsWith("UpSampling")) {
            int[] size = c.getInts("size", n, n == 1 ? new int[] {2} : new int[] {2, 2});
            sourceCoordinate = (axis, coordinate) -> coordinate / size[axis];
        } else if (cls.startsWith("ZeroPadding")) {
            int[][] pad = PaddingOptions.of(layer).amounts();
            sourceCoordinate = (axis, coordinate) -> {
                int src = coordinate - pad[axis][0];
                return src >= 0 && src < inShape[axis] ? src : -1;
            };
        } else {
            int[][] crop = PaddingOptions.of(layer).amounts();
            sourceCoordinate = (axis, coordinate) -> coordinate + crop[axis][0];
        }
        int channels = inShape[n];
        int outPositions = Weights.size(outShape) / channels;
        int[] map = new int[outPositions * channels];
        int outW = n == 1 ? outShape[0] : outShape[1];
        int inW = n == 1 ? inShape[0] : inShape[1];
        for (int p = 0; p < outPositions; p++) {
            int y = n == 1 ? 0 : p / outW;
            int x = p % outW;
            int sy = n == 1 ? 0 : sourceCoordinate.applyAsInt(0, y);
            int sx = sourceCoordinate.applyAsInt(n - 1, x);
            for (int ch = 0; ch < channels; ch++) {
                map[p * channels + ch] = sy < 0 || sx < 0 ? -1 : (sy * inW + sx) * channels + ch;
            }
        }
        return new GatherLayer(Weights.size(inShape), map);
    }
}
