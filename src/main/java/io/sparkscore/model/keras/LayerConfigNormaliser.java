package io.sparkscore.model.keras;

import io.sparkscore.model.Activation;
import io.sparkscore.model.LayerConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a layer's raw Keras config into the plain map a {@code LayerConfig} holds: activations become canonical
 * names, Keras 3 serialised objects (dtype policies, tuples) become plain JSON values without file-specific ids, and
 * keys that do not change what the trained layer computes are dropped: the layer's name, its declared batch shape,
 * wrapped layer configs (they become children), and training-only settings (initializers, regularizers,
 * constraints), whose Keras 2 forms Keras 3 cannot even parse.
 */
final class LayerConfigNormaliser {

    private static final Set<String> DROPPED_KEYS = Set.of("name", "batch_input_shape", "batch_shape",
            "input_dtype", "layer", "backward_layer");
    private static final Set<String> ACTIVATION_KEYS = Set.of("activation", "recurrent_activation");
    private static final Set<String> SERIALISATION_KEYS = Set.of("module", "registered_name", "shared_object_id");
    private static final Set<String> DTYPE_POLICY_CLASSES = Set.of("DTypePolicy", "Policy", "FloatDTypePolicy");

    private LayerConfigNormaliser() {
    }

    static Map<String, Object> normalise(String layerName, String className, Map<String, Object> raw,
                                         int kerasMajor) {
        Map<String, Object> out = new LinkedHashMap<>();
        raw.forEach((key, value) -> {
            if (DROPPED_KEYS.contains(key) || isTrainingOnly(key)
                    || ("time_major".equals(key) && Boolean.FALSE.equals(value))) {
                return;
            }
            if (ACTIVATION_KEYS.contains(key)) {
                out.put(key, Activation.canonicalName(value, kerasMajor, layerName, className));
            } else {
                out.put(key, harmless(value));
            }
        });
        return out;
    }

    private static boolean isTrainingOnly(String key) {
        return key.endsWith("_initializer") || key.endsWith("_regularizer") || key.endsWith("_constraint");
    }

    /** Plain JSON values only: Keras 3 objects lose their module/registration ids, dtype policies become names. */
    static Object harmless(Object value) {
        if (value instanceof Map<?, ?> m) {
            Object cls = m.get("class_name");
            Object cfg = m.get("config");
            if (cls != null && cfg instanceof Map<?, ?> c) {
                if (DTYPE_POLICY_CLASSES.contains(String.valueOf(cls)) && c.get("name") instanceof String s) {
                    return s;
                }
                if ("__tuple__".equals(cls)) {
                    return harmless(c.get("value"));
                }
            }
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                if (cls == null || !SERIALISATION_KEYS.contains(String.valueOf(k))) {
                    copy.put(String.valueOf(k), harmless(v));
                }
            });
            return copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>(l.size());
            l.forEach(v -> copy.add(harmless(v)));
            return copy;
        }
        return LayerConfig.plain(value);
    }
}
