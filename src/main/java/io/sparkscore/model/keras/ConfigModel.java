package io.sparkscore.model.keras;

import java.util.List;

/**
 * A parsed Keras model config: a Sequential chain or a Functional graph, possibly used as a layer of an outer model.
 * {@code inputLayers}/{@code outputLayers} are the raw Functional references ({@code null} for Sequential).
 */
record ConfigModel(String className, String name, List<ConfigLayer> layers, Object inputLayers,
                   Object outputLayers) {

    boolean isSequential() {
        return "Sequential".equals(className);
    }
}
