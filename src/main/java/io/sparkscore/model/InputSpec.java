package io.sparkscore.model;

import java.io.Serializable;

/**
 * A model input: the tensor name graph nodes refer to, and its shape without the batch dimension ({@code -1} for a
 * dimension Keras leaves open). Any batch size Keras may have fixed in {@code batch_input_shape} is dropped: sparkscore
 * scores every batch size.
 */
public record InputSpec(String name, int[] shape, String dtype) implements Serializable {

    public long size() {
        return Shapes.size(shape);
    }

    @Override
    public String toString() {
        return name + Shapes.format(shape);
    }
}
