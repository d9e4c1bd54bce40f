package io.sparkscore.runtime.jvm;

/**
 * Precomputed per-row index tables for layers that move or broadcast values: the gather source of every output
 * position, or the groups of positions a reduction over some axes visits. Built once at load time so that the hot
 * loops are plain array lookups.
 */
final class IndexMaps {

    private IndexMaps() {
    }

    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /**
     * For a source of shape {@code from} broadcast to {@code to} (same rank, each dimension equal or 1): the source
     * position of each target position.
     */
    static int[] broadcast(int[] from, int[] to) {
        int n = Weights.size(to);
        int[] fromStrides = strides(from);
        int[] toStrides = strides(to);
        int[] map = new int[n];
        for (int p = 0; p < n; p++) {
            int src = 0;
            for (int d = 0; d < to.length; d++) {
                int idx = (p / toStrides[d]) % to[d];
                if (from[d] != 1) {
                    src += idx * fromStrides[d];
                }
            }
            map[p] = src;
        }
        return map;
    }

    /** For Keras' Permute: the input position of each output position, {@code dims} zero-based per-row axes. */
    static int[] permute(int[] inShape, int[] dims) {
        int[] outShape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            outShape[i] = inShape[dims[i]];
        }
        int[] inStrides = strides(inShape);
        int[] outStrides = strides(outShape);
        int n = Weights.size(inShape);
        int[] map = new int[n];
        for (int p = 0; p < n; p++) {
            int src = 0;
            for (int d = 0; d < dims.length; d++) {
                src += ((p / outStrides[d]) % outShape[d]) * inStrides[dims[d]];
            }
            map[p] = src;
        }
        return map;
    }

    /**
     * A reduction over {@code axes} (sorted per-row axes) of a row of shape {@code shape}: {@code [0]} holds the
     * first position of every group (one per combination of the other axes), {@code [1]} the offsets of a group's
     * members relative to its first position, in row-major order of the reduced axes.
     */
    static int[][] reduction(int[] shape, int[] axes) {
        boolean[] reduced = new boolean[shape.length];
        for (int a : axes) {
            reduced[a] = true;
        }
        int[] strides = strides(shape);
        int groups = 1;
        int members = 1;
        for (int d = 0; d < shape.length; d++) {
            if (reduced[d]) {
                members *= shape[d];
            } else {
                groups *= shape[d];
            }
        }
        return new int[][] {offsets(shape, strides, reduced, false, groups),
                offsets(shape, strides, reduced, true, members)};
    }

    private static int[] offsets(int[] shape, int[] strides, boolean[] reduced, boolean ofReduced, int count) {
        int[] r = new int[count];
        int[] idx = new int[shape.length];
        for (int k = 0; k < count; k++) {
            int off = 0;
            for (int d = 0; d < shape.length; d++) {
                off += idx[d] * strides[d];
            }
            r[k] = off;
            for (int d = shape.length - 1; d >= 0; d--) {
                if (reduced[d] != ofReduced) {
                    continue;
                }
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return r;
    }
}
