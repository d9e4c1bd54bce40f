package io.sparkscore.job;

import java.io.Serializable;
import java.util.List;

/**
 * Where one model input's values come from: either scalar numeric columns (read in order and reshaped in C order to
 * the input's shape) or one array column holding the flattened values.
 */
public record InputBinding(String inputName, List<String> scalarColumns, String arrayColumn) implements Serializable {

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

    public List<String> columns() {
        return arrayColumn == null ? scalarColumns : List.of(arrayColumn);
    }
}
