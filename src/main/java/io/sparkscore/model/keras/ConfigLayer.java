package io.sparkscore.model.keras;

import io.sparkscore.model.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One layer of a parsed Keras model config, before it becomes a {@code LayerSpec}: its class (Keras 2/3 spelling),
 * normalised config, how it is called ({@code inbound_nodes}, absent in Sequential models), the layers it wraps,
 * the sub-model it is (for a nested Sequential/Functional) and, once attached, its weights by canonical name.
 */
final class ConfigLayer {

    final String className;
    final String name;
    final Map<String, Object> config;
    final List<Object> inboundNodes;
    final List<ConfigLayer> wrapped;
    final ConfigModel nested;
    /** {@code batch_input_shape}/{@code batch_shape} declared on the layer (batch dim included), or null. */
    final List<Object> declaredBatchShape;
    final String declaredDtype;
    final Map<String, Tensor> weights = new LinkedHashMap<>();

    ConfigLayer(String className, String name, Map<String, Object> config, List<Object> inboundNodes,
                List<ConfigLayer> wrapped, ConfigModel nested, List<Object> declaredBatchShape, String declaredDtype) {
        this.className = className;
        this.name = name;
        this.config = config;
        this.inboundNodes = inboundNodes;
        this.wrapped = new ArrayList<>(wrapped);
        this.nested = nested;
        this.declaredBatchShape = declaredBatchShape;
        this.declaredDtype = declaredDtype;
    }

    boolean isInput() {
        return "InputLayer".equals(className);
    }

    @Override
    public String toString() {
        return name + " (" + className + ")";
    }
}
