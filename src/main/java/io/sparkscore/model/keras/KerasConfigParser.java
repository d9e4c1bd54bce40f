package io.sparkscore.model.keras;

import io.sparkscore.model.JsonInts;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.UnsupportedLayerException;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.layers.KerasOperations;
import io.sparkscore.model.layers.LayerRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a Keras model config ({@code model_config} of an HDF5 file, {@code config.json} of a {@code .keras}
 * archive, or {@code model.to_json()}) of any Keras version into a {@link ConfigModel}, refusing every layer and
 * option sparkscore cannot score exactly as Keras would.
 */
final class KerasConfigParser {

    private final String file;
    private final int kerasMajor;

    KerasConfigParser(String file, int kerasMajor) {
        this.file = file;
        this.kerasMajor = kerasMajor;
    }

    ConfigModel parseModel(Map<String, Object> modelConfig) {
        String cls = LayerRegistry.canonicalClass(string(modelConfig.get("class_name"), "model class_name"));
        if (!"Sequential".equals(cls) && !"Functional".equals(cls)) {
            throw new ModelFormatException(file, "the model is a '" + cls + "'; only Sequential and Functional "
                    + "models can be read (a subclassed model's call() is Python code that is not in the file)");
        }
        Object body = modelConfig.get("config");
        List<Object> rawLayers;
        String name = null;
        Object inputLayers = null;
        Object outputLayers = null;
        List<Object> buildInputShape = null;
        if (body instanceof List<?> list) {
            rawLayers = cast(list);
        } else if (body instanceof Map<?, ?> map) {
            name = map.get("name") instanceof String s ? s : null;
            rawLayers = map.get("layers") instanceof List<?> l ? cast(l) : null;
            inputLayers = map.get("input_layers");
            outputLayers = map.get("output_layers");
            buildInputShape = map.get("build_input_shape") instanceof List<?> b && isShape(b) ? cast(b) : null;
        } else {
            rawLayers = null;
        }
        if (rawLayers == null) {
            throw new ModelFormatException(file, "the " + cls + " model config has no layer list");
        }
        if ("Functional".equals(cls) && (inputLayers == null || outputLayers == null)) {
            throw new ModelFormatException(file, "the Functional model config has no input_layers/output_layers");
        }
        List<ConfigLayer> layers = new ArrayList<>();
        for (Object raw : rawLayers) {
            layers.add(parseLayer(map(raw, "layer entry")));
        }
        if (layers.isEmpty()) {
            throw new ModelFormatException(file, "the " + cls + " model has no layers");
        }
        return new ConfigModel(cls, name, layers, inputLayers, outputLayers, buildInputShape);
    }

    private ConfigLayer parseLayer(Map<String, Object> raw) {
        String rawClass = string(raw.get("class_name"), "layer class_name");
        Map<String, Object> cfg = raw.get("config") instanceof Map<?, ?> ? map(raw.get("config"), "layer config")
                : new LinkedHashMap<>();
        String name = cfg.get("name") instanceof String s ? s
                : raw.get("name") instanceof String s2 ? s2 : rawClass.toLowerCase(java.util.Locale.ROOT);
        List<Object> inbound = raw.get("inbound_nodes") instanceof List<?> l ? cast(l) : null;
        if (LayerRegistry.MODEL_CLASSES.contains(rawClass)) {
            rejectCustom(raw, rawClass, name);
            ConfigModel nested = parseModel(raw);
            return new ConfigLayer(nested.className(), name, Map.of(), inbound, List.of(), nested, null, null);
        }
        if (kerasMajor < 2) {
            Keras1Layers.Translated t = Keras1Layers.translate(rawClass, name, cfg, file);
            rawClass = t.className();
            cfg = t.config();
        }
        if (raw.get("module") instanceof String module && module.startsWith(KerasOperations.MODULE_PREFIX)) {
            return operation(module, rawClass, name, cfg, inbound);
        }
        String cls = LayerRegistry.canonicalClass(rawClass);
        if (cls.equals(KerasOperations.CLASS)) {
            throw unsupported(name, cls, "is not a Keras layer class (module " + raw.get("module") + "); Keras 3"
                    + " operations are read from their " + KerasOperations.MODULE_PREFIX + "* module and class");
        }
        rejectCustom(raw, cls, name);
        if (LayerRegistry.find(cls).isEmpty() && !LayerRegistry.MODEL_CLASSES.contains(cls)) {
            throw unsupported(name, cls, unsupportedClassReason(cls));
        }
        List<Object> batchShape = cfg.get("batch_input_shape") instanceof List<?> b ? cast(b)
                : cfg.get("batch_shape") instanceof List<?> b2 ? cast(b2) : null;
        String dtype = cfg.get("dtype") instanceof String d ? d
                : cfg.get("input_dtype") instanceof String d2 ? d2 : null;
        List<ConfigLayer> wrapped = wrappedLayers(cls, name, cfg);
        Map<String, Object> normalised = LayerConfigNormaliser.normalise(name, cls, cfg, kerasMajor);
        normalised.forEach((key, value) -> requireIntRange(name, cls, key, value));
        checkOptions(name, cls, normalised);
        return new ConfigLayer(cls, name, normalised, inbound, wrapped, null, batchShape, dtype);
    }

    private List<ConfigLayer> wrappedLayers(String cls, String name, Map<String, Object> cfg) {
        if (!LayerRegistry.isWrapper(cls)) {
            return List.of();
        }
        Map<String, Object> innerRaw = map(cfg.get("layer"), "the layer wrapped by '" + name + "'");
        ConfigLayer inner = parseLayer(innerRaw);
        if (inner.nested != null || LayerRegistry.isWrapper(inner.className)) {
            throw unsupported(name, cls, "wraps " + inner + "; only a single built-in layer can be wrapped");
        }
        if ("TimeDistributed".equals(cls)) {
            return List.of(inner);
        }
        if (!LayerRegistry.isRecurrent(inner.className)) {
            throw unsupported(name, cls, "wraps " + inner + "; Bidirectional needs an LSTM, GRU or SimpleRNN");
        }
        // an absent merge_mode means Keras' default, concat; only an explicit null asks for two outputs
        if (cfg.containsKey("merge_mode") && cfg.get("merge_mode") == null) {
            throw unsupported(name, cls, "merge_mode=None returns the two directions as separate outputs; "
                    + "sparkscore supports one output per layer (use 'concat', 'sum', 'mul' or 'ave')");
        }
        ConfigLayer backward;
        if (cfg.get("backward_layer") instanceof Map<?, ?>) {
            backward = parseLayer(map(cfg.get("backward_layer"), "backward_layer"));
        } else {
            // Keras builds the backward layer as a copy of the forward one that runs the sequence in reverse.
            Map<String, Object> flipped = new LinkedHashMap<>(inner.config);
            flipped.put("go_backwards", !Boolean.TRUE.equals(inner.config.get("go_backwards")));
            backward = new ConfigLayer(inner.className, "backward_" + withoutPrefix(inner.name, "forward_"),
                    flipped, null, List.of(), null, null, null);
        }
        ConfigLayer forward = new ConfigLayer(inner.className, "forward_" + withoutPrefix(inner.name, "forward_"),
                inner.config, null, List.of(), null, null, null);
        return List.of(forward, backward);
    }

    private void checkOptions(String name, String cls, Map<String, Object> cfg) {
        if (LayerRegistry.isRecurrent(cls)) {
            if (Boolean.TRUE.equals(cfg.get("stateful"))) {
                throw unsupported(name, cls, "stateful=True carries state from one batch to the next, which "
                        + "depends on how rows are batched; re-create the layer with stateful=False, copy the "
                        + "weights and save the model again");
            }
            if (Boolean.TRUE.equals(cfg.get("return_state"))) {
                throw unsupported(name, cls, "return_state=True makes the layer return its states as extra "
                        + "outputs; sparkscore supports one output per layer");
            }
            if (Boolean.TRUE.equals(cfg.get("time_major"))) {
                throw unsupported(name, cls, "time_major=True is not supported; use batch-major inputs");
            }
        }
    }

    private void rejectCustom(Map<String, Object> raw, String cls, String name) {
        Object module = raw.get("module");
        Object registered = raw.get("registered_name");
        boolean foreignModule = module instanceof String m && !m.equals("keras") && !m.startsWith("keras.");
        boolean customRegistration = registered instanceof String r && !r.equals(raw.get("class_name"))
                && !LayerRegistry.MODEL_CLASSES.contains(r);
        if (foreignModule || customRegistration) {
            throw unsupported(name, cls, "is a custom layer class (module " + module + ", registered as "
                    + registered + "); its Python code is not stored in the file, so it cannot be scored");
        }
    }

    /**
     * A Keras 3 operation on a Keras tensor ({@code x + 1} is {@code keras.src.ops.numpy.Add}): its class name can
     * equal a layer's (the Add merge layer) while its arguments differ, so it becomes the registry's operation class,
     * its config naming the operation; one outside the whitelist is refused naming it.
     */
    private ConfigLayer operation(String module, String cls, String name, Map<String, Object> cfg,
                                  List<Object> inbound) {
        if (!KerasOperations.supports(module, cls)) {
            throw unsupported(name, cls, "is the Keras 3 operation " + module + "." + cls + " applied to a Keras"
                    + " tensor, which sparkscore does not implement (it never runs code from a model file);"
                    + " supported operations: " + KerasOperations.supported() + "; express it with those or with"
                    + " Keras layers and save the model again");
        }
        Map<String, Object> config = new LinkedHashMap<>();
        cfg.forEach((k, v) -> config.put(k, LayerConfig.plain(v)));
        config.put(KerasOperations.OPERATION, KerasOperations.operationName(module, cls));
        return new ConfigLayer(KerasOperations.CLASS, name, config, inbound, List.of(), null, null, null);
    }

    private static String unsupportedClassReason(String cls) {
        if ("Lambda".equals(cls)) {
            return "Lambda layers run Python code that is not stored in the file, so they cannot be scored; "
                    + "replace the Lambda with built-in layers and save the model again";
        }
        return "layer class '" + cls + "' is not supported; supported layers: " + LayerRegistry.supportedList();
    }

    String file() {
        return file;
    }

    /**
     * Refuses, at read time, an integer option (units, filters, kernel sizes, shapes) that no int can hold: read
     * later it would have to be wrapped or rejected on an executor. Seeds may legitimately be large and are left
     * alone; they do not change what a trained layer computes.
     */
    private void requireIntRange(String layer, String cls, String key, Object value) {
        if ("seed".equals(key)) {
            return;
        }
        List<?> values = value instanceof List<?> l ? l : java.util.Collections.singletonList(value);
        for (Object v : values) {
            boolean integerLiteral = v instanceof Long || v instanceof java.math.BigInteger;
            if (integerLiteral && JsonInts.exact(v) == null) {
                throw unsupported(layer, cls, "config '" + key + "' is " + value + ", beyond the largest integer ("
                        + Integer.MAX_VALUE + ") a layer option can be; the config is damaged or was altered");
            }
        }
    }

    UnsupportedLayerException unsupported(String layer, String cls, String problem) {
        return new UnsupportedLayerException(layer, cls, problem + " (model file " + file + ")");
    }

    private static boolean isShape(List<?> list) {
        return list.stream().allMatch(d -> d == null || d instanceof Number);
    }

    private static String withoutPrefix(String s, String prefix) {
        return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
    }

    private String string(Object v, String what) {
        if (!(v instanceof String s)) {
            throw new ModelFormatException(file, "the model config has no " + what + " (found " + v + ")");
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(Object v, String what) {
        if (!(v instanceof Map<?, ?>)) {
            throw new ModelFormatException(file, "the model config has a malformed " + what + " (found " + v + ")");
        }
        return new LinkedHashMap<>((Map<String, Object>) v);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> cast(List<?> l) {
        return (List<Object>) l;
    }
}
