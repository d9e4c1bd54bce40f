package io.sparkscore.model.layers;

import io.sparkscore.model.LayerSpec;

import java.util.List;

/**
 * A layer's {@code compute_output_shape}: the per-row output shape (batch dimension excluded) of one application to
 * inputs of the given per-row shapes. Open dimensions ({@code -1}) propagate. Rules are stateless; they throw the
 * layer config's {@code unsupported} error when the inputs do not fit the layer.
 */
@FunctionalInterface
public interface ShapeRule {

    int[] outputShape(LayerSpec layer, List<int[]> inputs);

    /** The rule of every layer whose output has its (first) input's shape. */
    ShapeRule PRESERVING = (layer, inputs) -> inputs.get(0).clone();
}
