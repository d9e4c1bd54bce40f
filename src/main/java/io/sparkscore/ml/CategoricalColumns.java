package io.sparkscore.ml;

import io.sparkscore.model.categorical.InputEncodings.Encoding;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Set;

/**
 * The columns of categorical and boolean model inputs, for {@link FeatureMapping}: checked on the driver against
 * the input's kind (string, integral or boolean; scalars or one array), then read on the executors, strings and
 * integers through the input's lookup encoder into indices, booleans as 0 or 1, from either kind of row.
 */
final class CategoricalColumns {

    private static final Set<DataType> INTEGRAL = Set.of(DataTypes.ByteType, DataTypes.ShortType,
            DataTypes.IntegerType, DataTypes.LongType);

    private CategoricalColumns() {
    }

    /** The column's index; a column of another type is refused, naming it, the input and its lookup layer. */
    static int check(StructType schema, String column, Encoding encoding, boolean array) {
        int index = FeatureMapping.checkColumnExists(schema, column);
        DataType found = schema.fields()[index].dataType();
        DataType t = array && found instanceof ArrayType at ? at.elementType() : array ? null : found;
        boolean ok = t != null && switch (encoding.kind()) {
            case STRING -> t == DataTypes.StringType;
            case INTEGER -> INTEGRAL.contains(t);
            case BOOLEAN -> t == DataTypes.BooleanType;
            case NUMBER -> throw new IllegalStateException("numeric inputs are checked by FeatureMapping");
        };
        if (!ok) {
            throw JobException.data("feature column '" + column + "' has type " + found.simpleString() + " but model"
                    + " input '" + encoding.input() + "' (dtype " + encoding.dtype() + (encoding.layer() == null ? ""
                    : ", read by " + encoding.layer()) + ") takes " + what(encoding) + " values" + (array ? " (an"
                    + " array of them)" : "") + "; bind a column of that type or cast this one in the source data");
        }
        return index;
    }

    private static String what(Encoding encoding) {
        return switch (encoding.kind()) {
            case STRING -> "string";
            case INTEGER -> "integer (tinyint, smallint, int or bigint)";
            case BOOLEAN -> "boolean";
            case NUMBER -> "numeric";
        };
    }

    /** One input's scalar columns into {@code buffer[base...]}. */
    static void readScalars(FeatureValues row, Encoding encoding, int[] cols, String[] names, DataType[] types,
                            float[] buffer, int base, RowKey keyOf) {
        for (int c = 0; c < cols.length; c++) {
            if (row.isNullAt(cols[c])) {
                throw new BadRowException(row.describe(keyOf), names[c], "is null");
            }
            buffer[base + c] = switch (encoding.kind()) {
                case STRING -> encoding.encoder().encode(row.string(cols[c]));
                case INTEGER -> encoding.encoder().encode(row.integer(cols[c], types[c]));
                case BOOLEAN -> row.bool(cols[c]) ? 1f : 0f;
                case NUMBER -> throw new IllegalStateException("numbers are read by FeatureMapping");
            };
        }
    }

    /** One input's array column of {@code size} values into {@code buffer[base...]}. */
    static void readArray(FeatureValues row, Encoding encoding, int col, String name, DataType elementType, int size,
                          float[] buffer, int base, RowKey keyOf) {
        if (row.isNullAt(col)) {
            throw new BadRowException(row.describe(keyOf), name, "is null");
        }
        int n = row.openArray(col);
        if (n != size) {
            throw new BadRowException(row.describe(keyOf), name, "has " + n + " values but the model input expects "
                    + size);
        }
        for (int k = 0; k < n; k++) {
            if (row.elementIsNull(k)) {
                throw new BadRowException(row.describe(keyOf), name, "has a null at position " + k);
            }
            buffer[base + k] = switch (encoding.kind()) {
                case STRING -> encoding.encoder().encode(row.elementString(k));
                case INTEGER -> encoding.encoder().encode(row.elementInteger(k, elementType));
                case BOOLEAN -> row.elementBool(k) ? 1f : 0f;
                case NUMBER -> throw new IllegalStateException("numbers are read by FeatureMapping");
            };
        }
    }
}
