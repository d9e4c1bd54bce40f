package io.sparkscore.model;

import java.util.Arrays;

/** Small helpers for shapes written as {@code int[]}; {@code -1} marks a dimension Keras leaves open ({@code None}). */
public final class Shapes {

    public static final int UNKNOWN = -1;

    private Shapes() {
    }

    /** Number of elements; fails on open dimensions, which have no size until data arrives. */
    public static long size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + format(shape) + " has an open dimension");
            }
            n *= d;
        }
        return n;
    }

    public static boolean isFullyKnown(int[] shape) {
        for (int d : shape) {
            if (d < 0) {
                return false;
            }
        }
        return true;
    }

    /** Formats like Keras' summary does, batch dimension excluded: {@code (None, 16, 3)} for {@code [-1, 16, 3]}. */
    public static String format(int[] shape) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(shape[i] < 0 ? "None" : Integer.toString(shape[i]));
        }
        if (shape.length == 1) {
            b.append(',');
        }
        return b.append(')').toString();
    }

    /** Formats with a leading open batch dimension, the way Keras prints output shapes. */
    public static String formatWithBatch(int[] shape) {
        int[] withBatch = new int[shape.length + 1];
        withBatch[0] = UNKNOWN;
        System.arraycopy(shape, 0, withBatch, 1, shape.length);
        return format(withBatch);
    }

    public static int[] concat(int[] a, int... b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
