package io.sparkscore.model;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A named float32 weight tensor in row-major (C) order, exactly as Keras stores it.
 *
 * <p>Immutable by convention: readers create it once and nobody writes into {@link #data()} afterwards, because
 * the same instance is shared by every prediction path and task thread of an executor.
 */
public record Tensor(String name, int[] shape, float[] data) implements Serializable {

    public Tensor {
        long expected = Shapes.size(shape);
        if (expected != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(shape)
                    + " (" + expected + " values) but " + data.length + " values");
        }
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis < 0 ? shape.length + axis : axis];
    }

    public long size() {
        return data.length;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
