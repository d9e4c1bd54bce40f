package io.sparkscore.model.categorical;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.UnsupportedLayerException;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How each model input's values are read: as numbers, as booleans (0/1), or as categories that the input's first
 * layer (StringLookup, IntegerLookup or Hashing) turns into indices. The lookup itself runs where rows become float
 * buffers, with one {@link CategoryEncoder} that both prediction paths then see the result of; the layer's
 * {@code output_mode} runs on the paths. Resolved on the driver: a string input that no lookup reads, a lookup that
 * reads another layer's output, or a categorical input shared with other layers is refused here, naming it.
 */
public final class InputEncodings {

    /** Layers whose lookup runs on the rows, before the prediction paths. */
    public static final Set<String> LOOKUP_CLASSES = Set.of("StringLookup", "IntegerLookup", "Hashing");

    /** What one input reads. */
    public enum Kind {
        NUMBER, BOOLEAN, STRING, INTEGER
    }

    /**
     * One input's reading: its kind, and for categorical inputs the encoder and the layer it reproduces.
     *
     * @param encoder null for numeric and boolean inputs
     */
    public record Encoding(String input, String dtype, Kind kind, CategoryEncoder encoder, String layer)
            implements Serializable {

        /** Numbers, as inputs were always read. */
        public static Encoding number(String input) {
            return new Encoding(input, "float32", Kind.NUMBER, null, null);
        }
    }

    private InputEncodings() {
    }

    /**
     * The readings of the model's inputs, in model input order. A model without layers (a TensorFlow SavedModel)
     * reads numbers, converted to its inputs' dtypes by that path.
     */
    public static List<Encoding> of(ModelSpec spec) {
        if (spec.nodes().isEmpty()) {
            return spec.inputs().stream().map(in -> Encoding.number(in.name())).toList();
        }
        Set<String> inputNames = new LinkedHashSet<>();
        spec.inputs().forEach(in -> inputNames.add(in.name()));
        Map<String, Set<String>> readers = new LinkedHashMap<>();
        for (NodeSpec node : spec.nodes()) {
            LayerSpec layer = spec.layer(node.layerName());
            for (String ref : node.inputs()) {
                if (LOOKUP_CLASSES.contains(layer.className()) && !inputNames.contains(ref)) {
                    throw new UnsupportedLayerException(layer.name(), layer.className(), "reads '" + ref + "', the"
                            + " output of another layer; sparkscore runs " + layer.className() + " where it reads a"
                            + " model input directly (Input -> " + layer.className() + "), as Keras' structured-data"
                            + " models and FeatureSpace do");
                }
                readers.computeIfAbsent(ref, k -> new LinkedHashSet<>()).add(layer.name());
            }
        }
        List<Encoding> r = new ArrayList<>();
        for (InputSpec in : spec.inputs()) {
            r.add(encoding(spec, in, readers.getOrDefault(in.name(), Set.of())));
        }
        return r;
    }

    private static Encoding encoding(ModelSpec spec, InputSpec in, Set<String> readers) {
        String dtype = in.dtype() == null ? "float32" : in.dtype();
        LayerSpec lookup = null;
        for (String name : readers) {
            LayerSpec l = spec.layer(name);
            if (LOOKUP_CLASSES.contains(l.className())) {
                lookup = l;
            }
        }
        if (lookup == null) {
            if (dtype.equals("string")) {
                throw new ModelException("model input '" + in.name() + "' has dtype string but is read by "
                        + describe(spec, readers) + "; sparkscore reads a string input through the StringLookup or"
                        + " Hashing layer it feeds");
            }
            return new Encoding(in.name(), dtype, dtype.equals("bool") ? Kind.BOOLEAN : Kind.NUMBER, null, null);
        }
        if (readers.size() > 1) {
            throw new ModelException("model input '" + in.name() + "' feeds " + lookup.className() + " '"
                    + lookup.name() + "' and also " + describe(spec, without(readers, lookup.name())) + "; sparkscore"
                    + " turns a categorical input into indices for its one lookup layer, so give the other layers"
                    + " their own input (or read the lookup's output)");
        }
        CategoryEncoder encoder = encoder(lookup, dtype, in.name());
        Kind kind = encoder.takes() == CategoryEncoder.ValueKind.STRING ? Kind.STRING : Kind.INTEGER;
        return new Encoding(in.name(), dtype, kind, encoder, lookup.name());
    }

    private static CategoryEncoder encoder(LayerSpec lookup, String dtype, String input) {
        boolean stringInput = dtype.equals("string");
        switch (lookup.className()) {
            case "StringLookup" -> {
                if (!stringInput) {
                    throw lookup.config().unsupported("reads model input '" + input + "' of dtype " + dtype
                            + "; a StringLookup needs a string input (keras.Input(..., dtype='string'))");
                }
                return LookupEncoder.of(lookup);
            }
            case "IntegerLookup" -> {
                if (stringInput) {
                    throw lookup.config().unsupported("reads model input '" + input + "' of dtype string; an"
                            + " IntegerLookup needs an integer input (dtype int64 or int32)");
                }
                return LookupEncoder.of(lookup);
            }
            default -> {
                return HashingEncoder.of(lookup, stringInput ? CategoryEncoder.ValueKind.STRING
                        : CategoryEncoder.ValueKind.INTEGER);
            }
        }
    }

    private static Set<String> without(Set<String> names, String name) {
        Set<String> r = new LinkedHashSet<>(names);
        r.remove(name);
        return r;
    }

    private static String describe(ModelSpec spec, Set<String> layerNames) {
        if (layerNames.isEmpty()) {
            return "no layer";
        }
        List<String> r = new ArrayList<>();
        for (String n : layerNames) {
            r.add("'" + n + "' (" + spec.layer(n).className() + ")");
        }
        return String.join(", ", r);
    }
}
