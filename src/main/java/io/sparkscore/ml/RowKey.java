package io.sparkscore.ml;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.function.IntFunction;

/** Describes a row by its kept (key) columns, for error messages and quarantine records: {@code id=42}. */
public final class RowKey implements Serializable {

    private final int[] indexes;
    private final String[] names;
    private final DataType[] types;

    /** @param keptFields the key columns' fields, in {@code indexes} order */
    public RowKey(int[] indexes, StructType keptFields) {
        this.indexes = indexes.clone();
        StructField[] fields = keptFields.fields();
        this.names = new String[fields.length];
        this.types = new DataType[fields.length];
        for (int i = 0; i < fields.length; i++) {
            names[i] = fields[i].name();
            types[i] = fields[i].dataType();
        }
    }

    public String describe(Row row) {
        return describe(i -> row.get(indexes[i]));
    }

    /** The same description for one of Spark's internal rows, its values shown as the external row shows them. */
    public String describe(InternalRow row) {
        return describe(i -> InternalValues.external(row, indexes[i], types[i]));
    }

    private String describe(IntFunction<Object> value) {
        if (indexes.length == 0) {
            return "(no --keep columns to identify it)";
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < indexes.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(names[i]).append('=').append(value.apply(i));
        }
        return b.append(']').toString();
    }
}
