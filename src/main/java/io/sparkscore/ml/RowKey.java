package io.sparkscore.ml;

import org.apache.spark.sql.Row;

import java.io.Serializable;

/** Describes a row by its kept (key) columns, for error messages and quarantine records: {@code id=42}. */
public final class RowKey implements Serializable {

    private final int[] indexes;
    private final String[] names;

    public RowKey(int[] indexes, String[] names) {
        this.indexes = indexes.clone();
        this.names = names.clone();
    }

    public String describe(Row row) {
        if (indexes.length == 0) {
            return "(no --keep columns to identify it)";
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < indexes.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(names[i]).append('=').append(row.get(indexes[i]));
        }
        return b.append(']').toString();
    }
}
