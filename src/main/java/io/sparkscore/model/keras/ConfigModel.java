package io.sparkscore.model.keras;

import java.util.List;

/**
 * A parsed Keras model config: a Sequential chain or a Functional graph, possibly used as a layer of an outer model.
 * {@code inputLayers}/{@code outputLayers} are the raw Functional references ({@code null} for Sequential);
 * {@code buildInputShape} is a Sequential model's recorded {@code build_input_shape} (batch dim included), or null.
 */
record ConfigModel(String className, String name, List<ConfigLayer> layers, Object inputLayers,
                   Object outputLayers, List<Object> buildInputShape) {

    boolean isSequential() {
        return "Sequential".equals(className);
    }
}
