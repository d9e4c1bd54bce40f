package io.sparkscore.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds a single-input, single-output chain of layers, the programmatic equivalent of {@code keras.Sequential}.
 * Used by the sample-data generator and by tests that need models with known weights.
 *
 * <pre>{@code
 * ModelSpec tiny = new SequentialBuilder("tiny", new int[] {4})
 *         .add(new LayerSpec("dense", "Dense", config, Map.of("kernel", k, "bias", b)))
 *         .build();
 * }</pre>
 */
public final class SequentialBuilder {

    private final String name;
    private final InputSpec input;
    private final List<LayerSpec> layers = new ArrayList<>();

    public SequentialBuilder(String name, int[] inputShape) {
        this.name = name;
        this.input = new InputSpec(name + "_input", inputShape.clone(), "float32");
    }

    public SequentialBuilder add(LayerSpec layer) {
        layers.add(layer);
        return this;
    }

    /** Adds a layer from its class, config values and named weights. */
    public SequentialBuilder add(String layerName, String className, Map<String, Object> config,
                                 Map<String, Tensor> weights) {
        return add(new LayerSpec(layerName, className, new LayerConfig(layerName, className, config), weights));
    }

    public ModelSpec build() {
        List<NodeSpec> nodes = new ArrayList<>();
        String previous = input.name();
        for (LayerSpec l : layers) {
            nodes.add(new NodeSpec(l.name(), l.name(), List.of(previous)));
            previous = l.name();
        }
        return new ModelSpec(name, "programmatic", "3", List.of(input), layers, nodes, List.of(previous));
    }
}
