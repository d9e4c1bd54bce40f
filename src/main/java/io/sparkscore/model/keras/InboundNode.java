package io.sparkscore.model.keras;

import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.layers.LayerEntry;
import io.sparkscore.model.layers.LayerRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One call of a layer in a Functional config, in either spelling: Keras 1/2 {@code [["dense_1", 0, 0, {}], ...]}
 * or Keras 3 {@code {"args": [...keras tensors...], "kwargs": {...}}}. The node's inputs are the tensors passed
 * positionally, followed by the tensors of a recurrent layer's {@code initial_state} argument (Keras 2 already lists
 * those among the inputs). Other call arguments (a mask tensor, constants) are refused, because they change what the
 * layer computes.
 */
record InboundNode(List<TensorRef> inputs) {

    private static final Set<String> HARMLESS_KWARGS = Set.of("training", "mask");

    static InboundNode parse(Object raw, ConfigLayer layer, KerasConfigParser errors) {
        List<TensorRef> inputs = new ArrayList<>();
        List<TensorRef> initialState = new ArrayList<>();
        if (raw instanceof Map<?, ?> keras3) {
            collectKeras3(keras3.get("args"), inputs, errors);
            if (keras3.get("kwargs") instanceof Map<?, ?> kwargs) {
                for (Map.Entry<?, ?> e : kwargs.entrySet()) {
                    if (acceptsInitialState(layer, e.getKey())) {
                        collectKeras3(e.getValue(), initialState, errors);
                    } else {
                        checkKwarg(String.valueOf(e.getKey()), e.getValue(), layer, errors);
                    }
                }
            }
        } else if (raw instanceof List<?> keras2) {
            for (Object entry : keras2) {
                if (!(entry instanceof List<?> ref)) {
                    throw new ModelFormatException(errors.file(), "malformed inbound node " + raw + " of layer '"
                            + layer.name + "'");
                }
                inputs.add(TensorRef.of(ref, errors.file()));
                if (ref.size() > 3 && ref.get(3) instanceof Map<?, ?> kwargs) {
                    for (Map.Entry<?, ?> e : kwargs.entrySet()) {
                        if (acceptsInitialState(layer, e.getKey())) {
                            initialState.addAll(TensorRef.collect(e.getValue(), errors.file()));
                        } else {
                            checkKwarg(String.valueOf(e.getKey()), e.getValue(), layer, errors);
                        }
                    }
                }
            }
        } else {
            throw new ModelFormatException(errors.file(), "malformed inbound node " + raw + " of layer '"
                    + layer.name + "'");
        }
        inputs.addAll(initialState);
        return new InboundNode(inputs);
    }

    private static boolean acceptsInitialState(ConfigLayer layer, Object kwarg) {
        return "initial_state".equals(kwarg)
                && LayerRegistry.find(layer.className).map(e -> e.inputs() == LayerEntry.Inputs.SEQUENCE_AND_STATES)
                .orElse(false);
    }

    private static void collectKeras3(Object v, List<TensorRef> out, KerasConfigParser errors) {
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

    private static void checkKwarg(String key, Object value, ConfigLayer layer, KerasConfigParser errors) {
        boolean harmless = HARMLESS_KWARGS.contains(key) && (value == null || value instanceof Boolean);
        if (!harmless) {
            throw errors.unsupported(layer.name, layer.className, "is called with the argument " + key + "="
                    + value + "; only the input tensors (and training) may be passed");
        }
    }
}
