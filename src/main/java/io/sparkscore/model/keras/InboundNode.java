package io.sparkscore.model.keras;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.layers.CallSignature;
import io.sparkscore.model.layers.KerasOperations;
import io.sparkscore.model.layers.LayerEntry;
import io.sparkscore.model.layers.LayerRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One call of a layer in a Functional config, in either spelling: Keras 1/2 {@code [["dense_1", 0, 0, {kwargs}], ...]}
 * or Keras 3 {@code {"args": [...keras tensors...], "kwargs": {...}}}. The node's inputs are the tensors passed
 * positionally, then those passed by keyword as the class's {@link CallSignature} lists them (MultiHeadAttention's
 * {@code value=}, {@code key=}), then the tensors of a recurrent layer's {@code initial_state} argument (Keras 2
 * already lists those among the inputs). The signature's flags ({@code use_causal_mask}) become the node's call
 * arguments; any other argument (an explicit mask tensor, constants) is refused, because it changes what the layer
 * computes.
 */
record InboundNode(List<TensorRef> inputs, Map<String, Object> callArgs) {

    /** tf.keras' first-operand placeholder for a constant ({@code ["_CONSTANT_VALUE", -1, value, kwargs]}). */
    private static final String CONSTANT = "_CONSTANT_VALUE";
    /** The name of a binary TensorFlow function's first argument, under which a constant first operand is kept. */
    private static final String FIRST_ARGUMENT = "x";

    static InboundNode parse(Object raw, ConfigLayer layer, KerasConfigParser errors) {
        CallSignature signature = CallSignature.of(layer.className);
        List<TensorRef> inputs = new ArrayList<>();
        Map<String, List<TensorRef>> byKeyword = new LinkedHashMap<>();
        List<TensorRef> initialState = new ArrayList<>();
        Map<String, Object> callArgs = new TreeMap<>();
        if (raw instanceof Map<?, ?> keras3) {
            if (layer.className.equals(KerasOperations.CLASS)) {
                Keras3OperationCalls.read(keras3.get("args"), layer, inputs, callArgs, errors);
            } else {
                collectKeras3(keras3.get("args"), inputs, errors);
            }
            if (keras3.get("kwargs") instanceof Map<?, ?> kwargs) {
                for (Map.Entry<?, ?> e : kwargs.entrySet()) {
                    String key = String.valueOf(e.getKey());
                    if (acceptsInitialState(layer, key)) {
                        collectKeras3(e.getValue(), initialState, errors);
                    } else if (signature.tensorKeywords().contains(key) && holdsTensor(e.getValue())) {
                        collectKeras3(e.getValue(), byKeyword.computeIfAbsent(key, k -> new ArrayList<>()), errors);
                    } else {
                        readArgument(key, e.getValue(), signature, callArgs, layer, errors);
                    }
                }
            }
        } else if (raw instanceof List<?> keras2) {
            for (Object entry : keras2) {
                if (!(entry instanceof List<?> ref)) {
                    throw new ModelFormatException(errors.file(), "malformed inbound node " + raw + " of layer '"
                            + layer.name + "'");
                }
                if (CONSTANT.equals(ref.isEmpty() ? null : ref.get(0))) {
                    if (!signature.keepsArguments() || ref.size() < 3) {
                        throw errors.unsupported(layer.name, layer.className, "is applied to a constant first operand "
                                + ref.subList(0, Math.min(3, ref.size())) + "; only the TensorFlow op layers take one");
                    }
                    // 1 - x: the constant is the function's first argument, x
                    callArgs.put(FIRST_ARGUMENT, LayerConfig.plain(ref.get(2)));
                } else {
                    inputs.add(TensorRef.of(ref, errors.file()));
                }
                if (ref.size() > 3 && ref.get(3) instanceof Map<?, ?> kwargs) {
                    for (Map.Entry<?, ?> e : kwargs.entrySet()) {
                        String key = String.valueOf(e.getKey());
                        if (acceptsInitialState(layer, key)) {
                            initialState.addAll(TensorRef.collect(e.getValue(), errors.file()));
                        } else if (signature.tensorKeywords().contains(key) && holdsTensor(e.getValue())) {
                            // the same kwargs ride on every entry of a list input; read them once
                            byKeyword.putIfAbsent(key, TensorRef.collect(e.getValue(), errors.file()));
                        } else {
                            readArgument(key, e.getValue(), signature, callArgs, layer, errors);
                        }
                    }
                }
            }
        } else {
            throw new ModelFormatException(errors.file(), "malformed inbound node " + raw + " of layer '"
                    + layer.name + "'");
        }
        for (String keyword : signature.tensorKeywords()) {
            inputs.addAll(byKeyword.getOrDefault(keyword, List.of()));
        }
        inputs.addAll(initialState);
        return new InboundNode(inputs, callArgs);
    }

    private static boolean acceptsInitialState(ConfigLayer layer, Object kwarg) {
        return "initial_state".equals(kwarg)
                && LayerRegistry.find(layer.className).map(e -> e.inputs() == LayerEntry.Inputs.SEQUENCE_AND_STATES)
                .orElse(false);
    }

    static void collectKeras3(Object v, List<TensorRef> out, KerasConfigParser errors) {
        if (v instanceof Map<?, ?> m && "__keras_tensor__".equals(m.get("class_name"))) {
            Object cfg = m.get("config");
            Object history = cfg instanceof Map<?, ?> c ? c.get("keras_history") : null;
            if (!(history instanceof List<?> h)) {
                throw new ModelFormatException(errors.file(), "keras tensor without keras_history: " + m);
            }
            out.add(TensorRef.of(h, errors.file()));
        } else if (v instanceof List<?> l) {
            for (Object e : l) {
                collectKeras3(e, out, errors);
            }
        } else if (v instanceof Map<?, ?> m) {
            for (Object e : m.values()) {
                collectKeras3(e, out, errors);
            }
        }
    }

    /** Whether a kwarg passes a tensor: a Keras 2 {@code [layer, node, tensor]} reference or a Keras 3 tensor. */
    private static boolean holdsTensor(Object v) {
        if (v instanceof Map<?, ?> m) {
            return "__keras_tensor__".equals(m.get("class_name"));
        }
        return v instanceof List<?> l && !l.isEmpty() && (l.get(0) instanceof String || holdsTensor(l.get(0)));
    }

    private static void readArgument(String key, Object value, CallSignature signature, Map<String, Object> callArgs,
                                     ConfigLayer layer, KerasConfigParser errors) {
        signature.problem(key, value).ifPresent(why -> {
            throw errors.unsupported(layer.name, layer.className, why);
        });
        if (signature.flags().contains(key) && value instanceof Boolean b) {
            callArgs.put(key, b);
        } else if (signature.keepsArguments()) {
            callArgs.put(key, LayerConfig.plain(value));
        }
    }
}
