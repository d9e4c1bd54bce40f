package io.sparkscore.model.keras;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.JsonInts;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.Shapes;
import io.sparkscore.model.layers.LayerEntry;
import io.sparkscore.model.layers.LayerRegistry;
import io.sparkscore.model.layers.RecurrentOptions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a parsed config with attached weights into a {@link ModelSpec}: InputLayers become inputs, every layer call
 * becomes a node (a layer called twice gives two nodes sharing one layer), nested models are flattened into the
 * outer graph. The first call of a layer produces the tensor named like the layer, later calls
 * {@code <layer>_<k>} (or another free name). One instance assembles one model.
 */
final class SpecAssembler {

    private final String file;
    private final KerasConfigParser errors;
    private final Map<ConfigLayer, LayerSpec> specs = new IdentityHashMap<>();
    private final Map<ConfigLayer, Integer> calls = new IdentityHashMap<>();
    private final Map<String, LayerSpec> layersByName = new LinkedHashMap<>();
    private final Set<String> tensorNames = new HashSet<>();
    private final Set<String> reserved = new HashSet<>();
    private final List<NodeSpec> nodes = new ArrayList<>();
    private int kerasMajor;

    SpecAssembler(String file, KerasConfigParser errors) {
        this.file = file;
        this.errors = errors;
    }

    ModelSpec assemble(ConfigModel model, String modelName, String sourceFormat, String kerasVersion) {
        kerasMajor = ModelSpec.kerasMajor(kerasVersion);
        reserveNames(model);
        List<InputSpec> inputs = new ArrayList<>();
        List<String> outputs;
        if (model.isSequential()) {
            InputSpec input = sequentialInput(model);
            inputs.add(input);
            tensorNames.add(input.name());
            outputs = applySequential(model, input.name());
        } else {
            List<String> inputNames = new ArrayList<>();
            for (TensorRef ref : TensorRef.collect(model.inputLayers(), file)) {
                ConfigLayer in = findLayer(model, ref.layer());
                if (!in.isInput()) {
                    throw new ModelFormatException(file, "model input '" + ref.layer() + "' is not an InputLayer");
                }
                inputs.add(new InputSpec(in.name, shapeWithoutBatch(in), dtype(in)));
                tensorNames.add(in.name);
                inputNames.add(in.name);
            }
            outputs = namedAsKeras(model, applyFunctional(model, inputNames));
        }
        return new ModelSpec(modelName, sourceFormat, kerasVersion, inputs, layersByName.values(), nodes, outputs);
    }

    /**
     * Keras names a model's outputs after the outer layers that produce them, made unique ({@code name},
     * {@code name_1}, ...): an output computed inside a nested model is named after the nested model, not after the
     * inner layer. The flattened graph's tensor of such an output is renamed to that name (when free), so that
     * output columns carry the names Keras shows.
     */
    private List<String> namedAsKeras(ConfigModel model, List<String> outputs) {
        List<TensorRef> written = TensorRef.collect(model.outputLayers(), file);
        List<String> named = new ArrayList<>(outputs);
        Set<String> used = new HashSet<>(outputs);
        Map<String, String> renames = new HashMap<>();
        for (int i = 0; i < named.size(); i++) {
            String tensor = named.get(i);
            boolean nested = findLayer(model, written.get(i).layer()).nested != null;
            if (!nested || renames.containsKey(tensor) || isInput(tensor)) {
                named.set(i, renames.getOrDefault(tensor, tensor));
                continue;
            }
            String name = written.get(i).layer();
            for (int k = 1; used.contains(name) || tensorNames.contains(name); k++) {
                name = written.get(i).layer() + "_" + k;
            }
            used.add(name);
            tensorNames.add(name);
            renames.put(tensor, name);
            named.set(i, name);
        }
        if (!renames.isEmpty()) {
            nodes.replaceAll(n -> n.renamed(renames.getOrDefault(n.id(), n.id()),
                    n.inputs().stream().map(t -> renames.getOrDefault(t, t)).toList()));
        }
        return named;
    }

    private boolean isInput(String tensor) {
        return nodes.stream().noneMatch(n -> n.id().equals(tensor));
    }

    private void reserveNames(ConfigModel model) {
        for (ConfigLayer l : model.layers()) {
            reserved.add(l.name);
            if (l.nested != null) {
                reserveNames(l.nested);
            }
        }
    }

    private InputSpec sequentialInput(ConfigModel model) {
        ConfigLayer first = model.layers().get(0);
        if (first.isInput()) {
            return new InputSpec(first.name, shapeWithoutBatch(first), dtype(first));
        }
        ConfigLayer declaring = first;
        while (declaring.declaredBatchShape == null && declaring.nested != null) {
            declaring = declaring.nested.layers().get(0);
        }
        // Keras 2.2+/3 record the shape a Sequential model was built with when no layer declares one.
        if (declaring.declaredBatchShape == null && model.buildInputShape() != null) {
            declaring = new ConfigLayer("InputLayer", first.name + "_input", Map.of(), null, List.of(), null,
                    model.buildInputShape(), null);
        }
        if (declaring.declaredBatchShape == null) {
            throw new ModelFormatException(file, "the Sequential model does not declare its input shape (its first "
                    + "layer '" + first.name + "' has no batch_input_shape); build the model with an Input or "
                    + "input_shape before saving it");
        }
        return new InputSpec(implicitInputName(first, kerasMajor), shapeWithoutBatch(declaring), dtype(declaring));
    }

    /**
     * The name Keras gives the input it creates for a Sequential model: Keras 3 {@code input_layer}, Keras 2
     * {@code <first layer>_input}, Keras 1 {@code <first layer class in lower case>_input_1} (a per-session counter
     * that is 1 in a fresh session).
     */
    private static String implicitInputName(ConfigLayer first, int kerasMajor) {
        if (kerasMajor >= 3) {
            return "input_layer";
        }
        if (kerasMajor < 2) {
            return Keras1Layers.originalClassName(first.className).toLowerCase(java.util.Locale.ROOT) + "_input_1";
        }
        return first.name + "_input";
    }

    private List<String> applySequential(ConfigModel model, String input) {
        String current = input;
        for (ConfigLayer layer : model.layers()) {
            if (layer.isInput()) {
                continue;
            }
            current = call(layer, List.of(current), Map.of()).get(0);
        }
        return List.of(current);
    }

    private List<String> applyFunctional(ConfigModel model, List<String> boundInputs) {
        Map<String, String> tensors = new HashMap<>();
        List<TensorRef> inputRefs = TensorRef.collect(model.inputLayers(), file);
        if (inputRefs.size() != boundInputs.size()) {
            throw new ModelFormatException(file, "model '" + model.name() + "' takes " + inputRefs.size()
                    + " inputs but is called with " + boundInputs.size());
        }
        for (int i = 0; i < inputRefs.size(); i++) {
            tensors.put(inputRefs.get(i).key(), boundInputs.get(i));
        }
        Map<ConfigLayer, Integer> done = new IdentityHashMap<>();
        boolean progress = true;
        int pending = 1;
        while (progress && pending > 0) {
            progress = false;
            pending = 0;
            for (ConfigLayer layer : model.layers()) {
                if (layer.isInput()) {
                    continue;
                }
                List<Object> calls = layer.inboundNodes == null ? List.of() : layer.inboundNodes;
                int next = done.getOrDefault(layer, 0);
                while (next < calls.size()) {
                    InboundNode node = InboundNode.parse(calls.get(next), layer, errors);
                    List<String> ins = new ArrayList<>();
                    for (TensorRef ref : node.inputs()) {
                        requireSingleOutput(model, ref, "'" + layer.name + "'");
                        String t = tensors.get(callRef(model, ref, false).key());
                        if (t == null) {
                            break;
                        }
                        ins.add(t);
                    }
                    if (ins.size() < node.inputs().size()) {
                        break;
                    }
                    List<String> outs = call(layer, ins, node.callArgs());
                    for (int o = 0; o < outs.size(); o++) {
                        tensors.put(new TensorRef(layer.name, next, o).key(), outs.get(o));
                    }
                    next++;
                    progress = true;
                }
                done.put(layer, next);
                pending += calls.size() - next;
            }
        }
        if (pending > 0) {
            throw new ModelFormatException(file, "the graph of model '" + model.name() + "' cannot be resolved: "
                    + pending + " layer calls read tensors that no layer produces");
        }
        List<String> outputs = new ArrayList<>();
        for (TensorRef written : TensorRef.collect(model.outputLayers(), file)) {
            requireSingleOutput(model, written, "the model's outputs");
            TensorRef ref = callRef(model, written, true);
            String t = tensors.get(ref.key());
            if (t == null) {
                throw new ModelFormatException(file, "model output " + ref + " is not produced by any layer");
            }
            outputs.add(t);
        }
        return outputs;
    }

    /**
     * The call a written tensor reference means. A nested model built on its own Input has a node from that build
     * (its Input to its outputs), which is not a call in the outer graph, and Keras numbers the references to the
     * outer calls after it: Keras 1/2 and tf.keras 2 everywhere (their network config starts counting such a
     * model's nodes at 1), Keras 3 only in {@code output_layers} (its loader subtracts the build node there, while
     * {@code inbound_nodes} count outer calls from 0).
     */
    private TensorRef callRef(ConfigModel model, TensorRef written, boolean modelOutput) {
        if (kerasMajor >= 3 && !modelOutput) {
            return written;
        }
        ConfigLayer source = findLayer(model, written.layer());
        if (source.nested == null || !hasBuildNode(source.nested)) {
            return written;
        }
        return new TensorRef(written.layer(), written.nodeIndex() - 1, written.tensorIndex());
    }

    /**
     * Whether a nested model was built on its own Input: a Functional model always is; a Sequential one when its
     * config starts with an InputLayer or its first layer declares the input shape (Keras 3's config of a nested
     * Sequential is never shifted).
     */
    private boolean hasBuildNode(ConfigModel nested) {
        if (!nested.isSequential()) {
            return true;
        }
        ConfigLayer first = nested.layers().get(0);
        return kerasMajor < 3 && (first.isInput() || first.declaredBatchShape != null);
    }

    /** Only a nested model may have several outputs; a layer's extra outputs (e.g. RNN states) are refused. */
    private void requireSingleOutput(ConfigModel model, TensorRef ref, String reader) {
        if (ref.tensorIndex() == 0) {
            return;
        }
        ConfigLayer source = findLayer(model, ref.layer());
        if (source.nested == null) {
            throw errors.unsupported(source.name, source.className, "its output #" + ref.tensorIndex()
                    + " is read by " + reader + "; layers with several outputs are not supported");
        }
    }

    private List<String> call(ConfigLayer layer, List<String> inputs, Map<String, Object> callArgs) {
        if (layer.nested != null) {
            ConfigModel inner = layer.nested;
            if (inner.isSequential()) {
                if (inputs.size() != 1) {
                    throw errors.unsupported(layer.name, layer.className, "a Sequential model called on "
                            + inputs.size() + " tensors");
                }
                return applySequential(inner, inputs.get(0));
            }
            return applyFunctional(inner, inputs);
        }
        boolean takesSeveral = LayerRegistry.takesSeveral(layer.className);
        if (inputs.size() != 1 && !takesSeveral) {
            throw errors.unsupported(layer.name, layer.className, "is called on " + inputs.size() + " tensors "
                    + inputs + "; only merge layers, and recurrent layers given an initial state, take several inputs");
        }
        LayerSpec spec = specs.computeIfAbsent(layer, this::toLayerSpec);
        int k = calls.merge(layer, 1, Integer::sum) - 1;
        String id = k == 0 && !tensorNames.contains(spec.name()) ? spec.name() : freeName(spec.name() + "_" + k);
        tensorNames.add(id);
        nodes.add(new NodeSpec(id, spec.name(), inputs, callArgs));
        return List.of(id);
    }

    private String freeName(String candidate) {
        String name = candidate;
        int n = 1;
        while (tensorNames.contains(name) || reserved.contains(name)) {
            name = candidate + "_" + n++;
        }
        return name;
    }

    private LayerSpec toLayerSpec(ConfigLayer layer) {
        String name = layer.name;
        if (layersByName.containsKey(name)) {
            // layers of a nested model may repeat an outer layer's name
            name = freeName(name);
            reserved.add(name);
        }
        LayerSpec spec = layerSpec(layer, name);
        layersByName.put(name, spec);
        return spec;
    }

    private LayerSpec layerSpec(ConfigLayer layer, String name) {
        List<LayerSpec> children = new ArrayList<>();
        for (ConfigLayer w : layer.wrapped) {
            children.add(layerSpec(w, w.name));
        }
        Map<String, Object> config = layer.config;
        LayerSpec spec = new LayerSpec(name, layer.className, new LayerConfig(name, layer.className, config),
                layer.weights, children);
        if ("GRU".equals(layer.className) && !config.containsKey("reset_after")) {
            // state what the file means, so that the config written back says it
            config = new java.util.LinkedHashMap<>(config);
            config.put("reset_after", RecurrentOptions.of(spec, kerasMajor).resetAfter());
            spec = new LayerSpec(name, layer.className, new LayerConfig(name, layer.className, config),
                    layer.weights, children);
        }
        // a class with a typed options record has it parsed here, so a bad option is refused before any path runs
        LayerSpec parsed = spec;
        LayerRegistry.find(layer.className).flatMap(LayerEntry::options)
                .ifPresent(options -> options.parse(parsed, kerasMajor));
        return spec;
    }

    private ConfigLayer findLayer(ConfigModel model, String name) {
        for (ConfigLayer l : model.layers()) {
            if (l.name.equals(name)) {
                return l;
            }
        }
        throw new ModelFormatException(file, "model '" + model.name() + "' refers to a layer '" + name
                + "' that is not in its layer list");
    }

    private int[] shapeWithoutBatch(ConfigLayer layer) {
        List<Object> batchShape = layer.declaredBatchShape;
        if (batchShape == null || batchShape.isEmpty()) {
            throw new ModelFormatException(file, "layer '" + layer.name + "' declares no input shape");
        }
        int[] shape = new int[batchShape.size() - 1];
        for (int i = 1; i < batchShape.size(); i++) {
            Object d = batchShape.get(i);
            Integer size = JsonInts.exact(d);
            if (d != null && (size == null || size < 1)) {
                throw new ModelFormatException(file, "layer '" + layer.name + "' declares the input shape "
                        + batchShape + ", whose dimension " + i + " is not a positive integer of at most "
                        + Integer.MAX_VALUE + " (or None)");
            }
            shape[i - 1] = d == null ? Shapes.UNKNOWN : size;
        }
        return shape;
    }

    private static String dtype(ConfigLayer layer) {
        return layer.declaredDtype == null ? "float32" : layer.declaredDtype;
    }
}
