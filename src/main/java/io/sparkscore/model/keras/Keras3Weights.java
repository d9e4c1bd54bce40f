package io.sparkscore.model.keras;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.layers.KerasOperations;
import io.sparkscore.model.layers.LayerRegistry;
import io.sparkscore.model.layers.MultiHeadAttentionOptions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Attaches the weights of a Keras 3 {@code model.weights.h5} to a parsed config. Keras 3 stores each layer's
 * variables positionally under {@code layers/<class in snake case>[_<k>]/vars/<i>}, numbering layers of the same
 * class in order of appearance; recurrent layers keep theirs in {@code cell/vars}, wrappers in {@code forward_layer},
 * {@code backward_layer} or {@code layer}, nested models under their own {@code layers/}.
 */
final class Keras3Weights {

    private final Group root;
    private final String file;
    private final DatasetBudget budget;

    Keras3Weights(Group root, String file) {
        this.root = root;
        this.file = file;
        this.budget = new DatasetBudget(file, root.getHdfFile().size());
    }

    void attach(ConfigModel model) {
        attachModel(model, "");
    }

    private void attachModel(ConfigModel model, String prefix) {
        Map<String, Integer> used = new HashMap<>();
        for (ConfigLayer layer : model.layers()) {
            if (layer.isInput() || layer.className.equals(KerasOperations.CLASS)) {
                // Keras 3 keeps no weights group for an operation, and its name takes no layer's place
                continue;
            }
            String path = prefix + "layers/" + uniqueName(KerasNaming.toSnakeCase(layer.className), used);
            if (layer.nested != null) {
                attachModel(layer.nested, path + "/");
            } else {
                attachLayer(layer, path);
            }
        }
    }

    static String uniqueName(String base, Map<String, Integer> used) {
        Integer seen = used.get(base);
        if (seen == null) {
            used.put(base, 0);
            return base;
        }
        used.put(base, seen + 1);
        return base + "_" + (seen + 1);
    }

    private void attachLayer(ConfigLayer layer, String path) {
        switch (layer.className) {
            case "Bidirectional" -> {
                attachLayer(layer.wrapped.get(0), path + "/forward_layer");
                attachLayer(layer.wrapped.get(1), path + "/backward_layer");
            }
            case "TimeDistributed" -> attachLayer(layer.wrapped.get(0), path + "/layer");
            case "MultiHeadAttention" -> attachSublayers(layer, path);
            default -> {
                String vars = LayerRegistry.isRecurrent(layer.className) ? path + "/cell/vars" : path + "/vars";
                List<RawWeight> stored = readVars(vars);
                LayerWeights.attachPositional(layer, stored, file, "model.weights.h5 group '" + vars + "'");
            }
        }
    }

    /**
     * MultiHeadAttention keeps each projection's variables in the group of its attribute: {@code query_dense} (Keras
     * 3 releases with public projection properties) or {@code _query_dense} (earlier ones).
     */
    private void attachSublayers(ConfigLayer layer, String path) {
        List<String> expected = LayerRegistry.weightNames(layer.className, layer.config);
        for (String sublayer : MultiHeadAttentionOptions.SUBLAYERS) {
            String attribute = MultiHeadAttentionOptions.keras3Attribute(sublayer);
            String vars = path + "/" + attribute + "/vars";
            if (!(Hdf5Arrays.find(root, vars) instanceof Group)) {
                vars = path + "/_" + attribute + "/vars";
            }
            List<RawWeight> stored = readVars(vars);
            List<String> names = expected.stream().filter(n -> n.startsWith(sublayer + "/")).toList();
            if (names.size() != stored.size()) {
                throw LayerWeights.mismatch(layer, expected, stored, file, "model.weights.h5 group '" + vars + "'");
            }
            for (int i = 0; i < names.size(); i++) {
                layer.weights.put(names.get(i), stored.get(i).toTensor(names.get(i)));
            }
        }
    }

    private List<RawWeight> readVars(String path) {
        if (!(Hdf5Arrays.find(root, path) instanceof Group group)) {
            return List.of();
        }
        List<String> names = new ArrayList<>(group.getChildren().keySet());
        names.sort(Comparator.comparingInt(Keras3Weights::position));
        List<RawWeight> r = new ArrayList<>();
        for (String n : names) {
            if (!(group.getChild(n) instanceof Dataset ds)) {
                throw new ModelFormatException(file, "model.weights.h5: '" + path + "/" + n + "' is not a dataset");
            }
            r.add(Hdf5Arrays.read(ds, n, budget));
        }
        return r;
    }

    private static int position(String varName) {
        try {
            return Integer.parseInt(varName);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }
}
