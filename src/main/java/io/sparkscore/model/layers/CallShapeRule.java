package io.sparkscore.model.layers;

import io.sparkscore.model.LayerSpec;

import java.util.List;
import java.util.Map;

/**
 * A shape rule that also reads the call's arguments ({@code NodeSpec#callArgs}): the TensorFlow op layers, whose
 * arguments ({@code shape}, {@code axis}, a slice) come with each call rather than with the layer's config.
 */
@FunctionalInterface
public interface CallShapeRule extends ShapeRule {

    int[] outputShape(LayerSpec layer, Map<String, Object> callArgs, List<int[]> inputs);

    @Override
    default int[] outputShape(LayerSpec layer, List<int[]> inputs) {
        return outputShape(layer, Map.of(), inputs);
    }
}
