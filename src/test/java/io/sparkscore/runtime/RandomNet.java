package io.sparkscore.runtime;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Builds a model graph the way Keras' functional API does: inputs, then layer calls on earlier tensors (a layer may be
 * called more than once: shared weights), then the outputs. Node ids follow the reader's naming (the layer's name for
 * its first call, {@code name_k} for later ones, suffixed further while that names another layer or tensor), so a spec
 * written to a {@code .keras} file reads back equal. Tensors are handed out as placeholders until {@link #build}
 * knows every layer name.
 * Layers come from the seeded {@link #layers()} factory, which names them uniquely.
 */
final class RandomNet {

    /** The Keras version written into the archives: a Keras 3 release with every layer used here. */
    static final String KERAS_VERSION = "3.6.0";

    private final String name;
    private final KerasLayers layers;
    private final List<InputSpec> inputs = new ArrayList<>();
    private final Map<String, LayerSpec> applied = new LinkedHashMap<>();
    /** Calls in order, with placeholder tensor names resolved in {@link #build}. */
    private final List<NodeSpec> pending = new ArrayList<>();

    RandomNet(String name, long seed) {
        this.name = name;
        this.layers = new KerasLayers(new Random(seed));
    }

    KerasLayers layers() {
        return layers;
    }

    /** A model input of the given shape (batch dimension excluded). */
    String input(String inputName, int... shape) {
        return input(inputName, "float32", shape);
    }

    String input(String inputName, String dtype, int... shape) {
        inputs.add(new InputSpec(inputName, shape, dtype));
        return inputName;
    }

    /** Calls a layer on earlier tensors and returns the name of its output tensor. */
    String call(LayerSpec layer, String... tensors) {
        LayerSpec previous = applied.putIfAbsent(layer.name(), layer);
        if (previous != null && previous != layer) {
            throw new IllegalArgumentException("two different layers are named " + layer.name());
        }
        String placeholder = "#" + pending.size();
        pending.add(new NodeSpec(placeholder, layer.name(), List.of(tensors)));
        return placeholder;
    }

    /** Calls a layer with call arguments ({@code use_causal_mask}) besides its tensors, as Keras records them. */
    String callWith(Map<String, Object> callArgs, LayerSpec layer, String... tensors) {
        String t = call(layer, tensors);
        NodeSpec last = pending.remove(pending.size() - 1);
        pending.add(new NodeSpec(last.id(), last.layerName(), last.inputs(), callArgs));
        return t;
    }

    /** Calls layers one after the other, like a Sequential model. */
    String chain(String tensor, LayerSpec... chain) {
        String t = tensor;
        for (LayerSpec l : chain) {
            t = call(l, t);
        }
        return t;
    }

    ModelSpec build(String... outputs) {
        Map<String, String> ids = new HashMap<>();
        Map<String, Integer> calls = new HashMap<>();
        Set<String> taken = new HashSet<>();
        inputs.forEach(in -> taken.add(in.name()));
        List<NodeSpec> nodes = new ArrayList<>();
        for (NodeSpec call : pending) {
            int k = calls.merge(call.layerName(), 1, Integer::sum) - 1;
            String id = call.layerName();
            if (k > 0 || taken.contains(id)) {
                String candidate = id + "_" + k;
                id = candidate;
                for (int n = 1; taken.contains(id) || applied.containsKey(id); n++) {
                    id = candidate + "_" + n;
                }
            }
            taken.add(id);
            ids.put(call.id(), id);
            nodes.add(new NodeSpec(id, call.layerName(), call.inputs().stream().map(t -> ids.getOrDefault(t, t))
                    .toList(), call.callArgs()));
        }
        List<String> outs = Arrays.stream(outputs).map(t -> ids.getOrDefault(t, t)).toList();
        return new ModelSpec(name, "programmatic", KERAS_VERSION, inputs, applied.values(), nodes, outs);
    }
}
