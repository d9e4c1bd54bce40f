package io.sparkscore.model;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One application of a layer in the model graph. The node's output tensor is named {@link #id()}; {@link #inputs()}
 * name model inputs or earlier nodes. A layer applied twice (shared weights) appears as two nodes naming the same
 * layer.
 *
 * <p>{@link #callArgs()} holds the call's non-tensor arguments that change what the layer computes (for example an
 * attention layer's {@code use_causal_mask}), as plain JSON values under Keras' argument names; empty for most calls.
 * The tensors a call passes by keyword ({@code value=}, {@code key=}) are among {@link #inputs()}, in the order the
 * layer's registry entry gives.
 */
public record NodeSpec(String id, String layerName, List<String> inputs, Map<String, Object> callArgs)
        implements Serializable {

    public NodeSpec {
        inputs = List.copyOf(inputs);
        callArgs = Collections.unmodifiableMap(new TreeMap<>(callArgs));
    }

    public NodeSpec(String id, String layerName, List<String> inputs) {
        this(id, layerName, inputs, Map.of());
    }

    /** The same call under another output name and inputs. */
    public NodeSpec renamed(String newId, List<String> newInputs) {
        return new NodeSpec(newId, layerName, newInputs, callArgs);
    }

    /** A boolean call argument, {@code defaultValue} when the call does not pass it. */
    public boolean flag(String name, boolean defaultValue) {
        return callArgs.get(name) instanceof Boolean b ? b : defaultValue;
    }

    @Override
    public String toString() {
        // without call arguments, the form (and so the model hash) nodes had before they carried any
        return "NodeSpec[id=" + id + ", layerName=" + layerName + ", inputs=" + inputs
                + (callArgs.isEmpty() ? "" : ", callArgs=" + callArgs) + "]";
    }
}
