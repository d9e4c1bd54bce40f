package io.sparkscore.model.keras;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.ShapeInference;
import io.sparkscore.model.layers.KerasOperations;
import io.sparkscore.model.layers.LayerEntry;
import io.sparkscore.model.layers.LayerRegistry;
import io.sparkscore.model.layers.OpLambdaCall;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@link ModelSpec}'s architecture as a Keras 3 {@code config.json}: a Sequential model when the graph is a
 * plain chain from one input, a Functional model otherwise.
 */
final class Keras3ConfigWriter {

    private Keras3ConfigWriter() {
    }

    static Map<String, Object> modelConfig(ModelSpec spec) {
        return isChain(spec) ? sequential(spec) : functional(spec);
    }

    /** One input, every layer applied once, each node reading the previous one, node ids equal to layer names. */
    static boolean isChain(ModelSpec spec) {
        if (spec.inputs().size() != 1 || spec.outputs().size() != 1 || spec.nodes().isEmpty()) {
            return false;
        }
        String previous = spec.inputs().get(0).name();
        Set<String> usedLayers = new HashSet<>();
        for (NodeSpec n : spec.nodes()) {
            if (!n.id().equals(n.layerName()) || !n.inputs().equals(List.of(previous)) || !usedLayers.add(n.layerName())
                    || !n.callArgs().isEmpty() || spec.layer(n.layerName()).className().equals(KerasOperations.CLASS)) {
                return false;
            }
            previous = n.id();
        }
        return spec.outputs().get(0).equals(previous) && usedLayers.size() == spec.layers().size();
    }

    private static Map<String, Object> sequential(ModelSpec spec) {
        List<Object> layers = new ArrayList<>();
        InputSpec in = spec.inputs().get(0);
        layers.add(inputLayer(in));
        for (NodeSpec n : spec.nodes()) {
            layers.add(layer(spec.layer(n.layerName())));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", spec.name());
        config.put("trainable", true);
        config.put("layers", layers);
        return envelope("keras", "Sequential", config, null);
    }

    private static Map<String, Object> functional(ModelSpec spec) {
        Map<String, int[]> shapes = shapesIfKnown(spec);
        Map<String, List<Object>> history = new HashMap<>();
        List<Object> layers = new ArrayList<>();
        List<Object> inputLayers = new ArrayList<>();
        for (InputSpec in : spec.inputs()) {
            Map<String, Object> entry = inputLayer(in);
            entry.put("name", in.name());
            entry.put("inbound_nodes", List.of());
            layers.add(entry);
            history.put(in.name(), List.of(in.name(), 0, 0));
            inputLayers.add(List.of(in.name(), 0, 0));
        }
        Map<String, List<Object>> callsByLayer = new LinkedHashMap<>();
        Map<String, Integer> callCount = new HashMap<>();
        for (NodeSpec n : spec.nodes()) {
            List<Object> tensors = new ArrayList<>();
            for (String t : n.inputs()) {
                tensors.add(kerasTensor(history.get(t), shapes == null ? null : shapes.get(t)));
            }
            LayerSpec l = spec.layer(n.layerName());
            Map<String, Object> call = new LinkedHashMap<>();
            if (l.className().equals(KerasOperations.CLASS)) {
                call.put("args", Keras3OperationCalls.write(l, tensors, n.callArgs()));
                call.put("kwargs", Map.of());
            } else if (LayerRegistry.takesList(l.className())) {
                call.put("args", List.of(tensors));
                call.put("kwargs", n.callArgs());
            } else if (LayerRegistry.find(l.className()).map(e -> e.inputs() == LayerEntry.Inputs.OPERATION)
                    .orElse(false)) {
                // a TensorFlow function: concat's list, or one tensor and a second by keyword
                Map<String, Object> kwargs = new LinkedHashMap<>(n.callArgs());
                if (OpLambdaCall.kind(l) == OpLambdaCall.Kind.CONCAT) {
                    call.put("args", List.of(tensors));
                } else if (n.callArgs().containsKey("x")) {
                    // a constant first operand: the tensor is the second argument
                    call.put("args", List.of());
                    kwargs.put("y", tensors.get(0));
                } else {
                    call.put("args", tensors.subList(0, 1));
                    if (tensors.size() > 1) {
                        kwargs.put(OpLambdaCall.secondTensorKeyword(l), tensors.get(1));
                    }
                }
                call.put("kwargs", kwargs);
            } else if (LayerRegistry.find(l.className()).map(e -> e.inputs() == LayerEntry.Inputs.QUERY_VALUE_KEY)
                    .orElse(false)) {
                // Keras 3 records mha(query, value[, key]) positionally
                call.put("args", tensors);
                call.put("kwargs", n.callArgs());
            } else {
                // a recurrent layer's extra inputs are its initial state
                call.put("args", tensors.subList(0, 1));
                call.put("kwargs", tensors.size() > 1 ? Map.of("initial_state", tensors.subList(1, tensors.size()))
                        : Map.of());
            }
            callsByLayer.computeIfAbsent(l.name(), k -> new ArrayList<>()).add(call);
            int k = callCount.merge(l.name(), 1, Integer::sum) - 1;
            history.put(n.id(), List.of(l.name(), k, 0));
        }
        for (Map.Entry<String, List<Object>> e : callsByLayer.entrySet()) {
            Map<String, Object> entry = layer(spec.layer(e.getKey()));
            entry.put("name", e.getKey());
            entry.put("inbound_nodes", e.getValue());
            layers.add(entry);
        }
        List<Object> outputLayers = new ArrayList<>();
        for (String out : spec.outputs()) {
            outputLayers.add(history.get(out));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", spec.name());
        config.put("trainable", true);
        config.put("layers", layers);
        config.put("input_layers", inputLayers);
        config.put("output_layers", outputLayers);
        return envelope("keras.src.models.functional", "Functional", config, "Functional");
    }

    private static Map<String, int[]> shapesIfKnown(ModelSpec spec) {
        try {
            return ShapeInference.infer(spec);
        } catch (ModelException e) {
            // Keras ignores the recorded shapes when it rebuilds the graph; they are informative only.
            return null;
        }
    }

    private static Map<String, Object> kerasTensor(List<Object> history, int[] shape) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("shape", shape == null ? null : withBatch(shape));
        config.put("dtype", "float32");
        config.put("keras_history", history);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("class_name", "__keras_tensor__");
        t.put("config", config);
        return t;
    }

    private static Map<String, Object> inputLayer(InputSpec in) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("batch_shape", withBatch(in.shape()));
        config.put("dtype", in.dtype());
        config.put("sparse", false);
        config.put("name", in.name());
        return envelope("keras.layers", "InputLayer", config, null);
    }

    static Map<String, Object> layer(LayerSpec l) {
        if (l.className().equals(KerasOperations.CLASS)) {
            return Keras3OperationCalls.entry(l);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", l.name());
        config.putAll(l.config().asMap());
        if ("Bidirectional".equals(l.className())) {
            config.put("layer", layer(l.child(0)));
            config.put("backward_layer", layer(l.child(1)));
        } else if ("TimeDistributed".equals(l.className())) {
            config.put("layer", layer(l.child(0)));
        }
        return envelope("keras.layers", l.className(), config, null);
    }

    private static Map<String, Object> envelope(String module, String className, Map<String, Object> config,
                                                String registeredName) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("module", module);
        e.put("class_name", className);
        e.put("config", config);
        e.put("registered_name", registeredName);
        return e;
    }

    private static List<Object> withBatch(int[] shape) {
        List<Object> r = new ArrayList<>();
        r.add(null);
        for (int d : shape) {
            r.add(d < 0 ? null : d);
        }
        return r;
    }
}
