package io.sparkscore.model;

import java.io.Serializable;
import java.util.List;

/**
 * One application of a layer in the model graph. The node's output tensor is named {@link #id()}; {@link #inputs()}
 * name model inputs or earlier nodes. A layer applied twice (shared weights) appears as two nodes naming the same
 * layer.
 */
public record NodeSpec(String id, String layerName, List<String> inputs) implements Serializable {

    public NodeSpec {
        inputs = List.copyOf(inputs);
    }
}
