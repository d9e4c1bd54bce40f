package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.PaddingOptions;
import io.sparkscore.model.layers.SpatialAxes;
import io.sparkscore.model.layers.UpSamplingOptions;

import java.util.Arrays;
import java.util.function.IntBinaryOperator;

/**
 * Layers that only move values, each output position reading one input position from a table built at load time:
 * Permute, RepeatVector, ZeroPadding (a negative source means a zero), Cropping, nearest-neighbour UpSampling and
 * the channel moves around channels_first layers.
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

    /** ZeroPadding, Cropping and nearest UpSampling, 1D, 2D or 3D channels_last. */
    static GatherLayer resize(LayerSpec layer, int[] inShape, int[] outShape) {
        LayerConfig c = layer.config();
        String cls = layer.className();
        int n = SpatialAxes.rank(cls);
        IntBinaryOperator sourceCoordinate;
        if (cls.startsWith("UpSampling")) {
            int[] size = UpSamplingOptions.of(layer).size();
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
        int[] outStrides = IndexMaps.strides(Arrays.copyOf(outShape, n));
        int[] inStrides = IndexMaps.strides(Arrays.copyOf(inShape, n));
        int[] map = new int[outPositions * channels];
        for (int p = 0; p < outPositions; p++) {
            int src = 0;
            for (int axis = 0; axis < n && src >= 0; axis++) {
                int s = sourceCoordinate.applyAsInt(axis, (p / outStrides[axis]) % outShape[axis]);
                src = s < 0 ? -1 : src + s * inStrides[axis];
            }
            for (int ch = 0; ch < channels; ch++) {
                map[p * channels + ch] = src < 0 ? -1 : src * channels + ch;
            }
        }
        return new GatherLayer(Weights.size(inShape), map);
    }

    /**
     * Moves channels between axis 0 and the last axis of a row: to the end for {@code toLast}, back to the front
     * otherwise. The jvm path runs channels_first layers as their channels_last twins between two of these, which is
     * how Keras defines them.
     */
    static GatherLayer moveChannels(int[] shape, boolean toLast) {
        int rank = shape.length;
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = toLast ? (i + 1) % rank : (i + rank - 1) % rank;
        }
        return new GatherLayer(Weights.size(shape), IndexMaps.permute(shape, dims));
    }
}
