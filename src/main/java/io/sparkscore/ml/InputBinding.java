package io.sparkscore.ml;

import io.sparkscore.runtime.ModelSignature;

import java.io.Serializable;
import java.util.List;

/**
 * Where one model input's values come from: either scalar numeric columns (read in order and reshaped in C order to
 * the input's shape) or one array column holding the flattened values.
 */
public record InputBinding(String inputName, List<String> scalarColumns, String arrayColumn) implements Serializable {

    /** The name used by {@code --features}/{@code --features-array}, which bind a single-input model's only input. */
    public static final String SINGLE_INPUT = "";

    /** The input name of {@link #byInputNames()}, which {@link #expand} replaces by one binding per model input. */
    public static final String BY_NAME = "*";

    public InputBinding {
        scalarColumns = List.copyOf(scalarColumns);
        if (scalarColumns.isEmpty() == (arrayColumn == null)) {
            throw JobException.config("model input '" + inputName + "' needs either scalar feature columns or one"
                    + " array column, not " + (arrayColumn == null ? "neither" : "both"));
        }
    }

    public static InputBinding scalars(String inputName, List<String> columns) {
        return new InputBinding(inputName, columns, null);
    }

    public static InputBinding array(String inputName, String column) {
        return new InputBinding(inputName, List.of(), column);
    }

    /**
     * Every model input reads the column named after it, as Keras' structured-data models have one {@code Input}
     * per column: what scoring does when no feature option is given.
     */
    public static InputBinding byInputNames() {
        return new InputBinding(BY_NAME, List.of(BY_NAME), null);
    }

    /**
     * The bindings with {@link #byInputNames()} replaced by one per model input: its same-named column, scalar for
     * an input of one value, else an array column.
     */
    public static List<InputBinding> expand(List<InputBinding> bindings, ModelSignature signature) {
        if (!(bindings.size() == 1 && bindings.get(0).inputName().equals(BY_NAME))) {
            return bindings;
        }
        List<InputBinding> r = new java.util.ArrayList<>();
        for (int i = 0; i < signature.inputCount(); i++) {
            String name = signature.inputNames().get(i);
            r.add(!signature.isOpen(i) && signature.inputSize(i) == 1 ? scalars(name, List.of(name)) : array(name, name));
        }
        return r;
    }

    /**
     * Parses one {@code --input-map} value: {@code name=col1,col2,...} (scalar columns) or {@code name=col[]}
     * (one array or vector column).
     */
    public static InputBinding parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw JobException.config("--input-map '" + spec + "' should look like input=col1,col2 or input=arrayCol[]");
        }
        String name = spec.substring(0, eq).trim();
        String cols = spec.substring(eq + 1).trim();
        if (cols.endsWith("[]")) {
            return array(name, cols.substring(0, cols.length() - 2));
        }
        return scalars(name, List.of(cols.split("\\s*,\\s*")));
    }

    /**
     * The bindings in model input order. {@code --features}/{@code --features-array} bind a single-input model;
     * multi-input models need one {@code --input-map} per input, by input name.
     */
    public static List<InputBinding> inModelOrder(List<InputBinding> bindings, List<String> inputNames) {
        if (bindings.size() == 1 && bindings.get(0).inputName().equals(SINGLE_INPUT)) {
            if (inputNames.size() != 1) {
                throw JobException.config("the model has " + inputNames.size() + " inputs " + inputNames
                        + "; map each one with --input-map <input>=col1,col2 or --input-map <input>=arrayCol[]");
            }
            return bindings;
        }
        java.util.Map<String, InputBinding> byName = new java.util.LinkedHashMap<>();
        for (InputBinding b : bindings) {
            if (!inputNames.contains(b.inputName())) {
                throw JobException.config("--input-map names input '" + b.inputName() + "' but the model's inputs"
                        + " are " + inputNames);
            }
            if (byName.put(b.inputName(), b) != null) {
                throw JobException.config("--input-map maps input '" + b.inputName() + "' twice");
            }
        }
        java.util.List<InputBinding> ordered = new java.util.ArrayList<>();
        for (String name : inputNames) {
            InputBinding b = byName.get(name);
            if (b == null) {
                throw JobException.config("model input '" + name + "' has no feature mapping; add --input-map "
                        + name + "=col1,col2 or " + name + "=arrayCol[]");
            }
            ordered.add(b);
        }
        return ordered;
    }

    public List<String> columns() {
        return arrayColumn == null ? scalarColumns : List.of(arrayColumn);
    }
}
