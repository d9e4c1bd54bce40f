package io.sparkscore.job;

import io.sparkscore.model.Shapes;
import io.sparkscore.runtime.ModelSignature;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Turns input rows into the model's flat float32 input buffers: the "rows to buffers" role of a batch.
 *
 * <p>Resolved once on the driver against the input schema and the model signature, so that a missing column, a
 * non-numeric type or a wrong feature count fails before any partition runs; executors then only read values, from
 * external {@link Row}s or from Spark's internal rows, to the same float32 values. Immutable and serialisable (it
 * travels in the task closure).
 */
public final class FeatureMapping implements Serializable {

    private static final Set<DataType> NUMERIC = Set.of(DataTypes.ByteType, DataTypes.ShortType,
            DataTypes.IntegerType, DataTypes.LongType, DataTypes.FloatType, DataTypes.DoubleType);

    private final int[][] columnIndexes;
    private final String[][] columnNames;
    /** Each column's type, or its elements' type for an array column: how internal rows are read. */
    private final DataType[][] valueTypes;
    private final boolean[] fromArray;
    private final int[] inputSizes;
    private final boolean allowNaN;

    private FeatureMapping(int[][] columnIndexes, String[][] columnNames, DataType[][] valueTypes, boolean[] fromArray,
                           int[] inputSizes, boolean allowNaN) {
        this.columnIndexes = columnIndexes;
        this.columnNames = columnNames;
        this.valueTypes = valueTypes;
        this.fromArray = fromArray;
        this.inputSizes = inputSizes;
        this.allowNaN = allowNaN;
    }

    /**
     * Checks the bindings against the schema and the model, in model input order.
     *
     * @throws JobException (data) naming the column or input that does not fit, and the fix
     */
    public static FeatureMapping resolve(StructType schema, List<InputBinding> bindings, ModelSignature signature,
                                         boolean allowNaN) {
        int n = signature.inputCount();
        bindings = InputBinding.inModelOrder(bindings, signature.inputNames());
        int[][] indexes = new int[n][];
        String[][] names = new String[n][];
        DataType[][] types = new DataType[n][];
        boolean[] arrays = new boolean[n];
        int[] sizes = new int[n];
        for (int i = 0; i < n; i++) {
            InputBinding b = bindings.get(i);
            int size = signature.inputSize(i);
            sizes[i] = size;
            String shape = Shapes.format(signature.inputShapes().get(i));
            List<String> cols = b.columns();
            indexes[i] = new int[cols.size()];
            names[i] = cols.toArray(String[]::new);
            types[i] = new DataType[cols.size()];
            for (int c = 0; c < cols.size(); c++) {
                indexes[i][c] = checkColumn(schema, cols.get(c), b.arrayColumn() != null);
                DataType t = schema.fields()[indexes[i][c]].dataType();
                types[i][c] = t instanceof ArrayType at ? at.elementType() : t;
            }
            if (b.arrayColumn() != null) {
                arrays[i] = true;
            } else if (cols.size() != size) {
                throw JobException.data("model input '" + signature.inputNames().get(i) + "' expects " + size
                        + " values (shape " + shape + ") but " + cols.size() + " feature columns were given: " + cols
                        + "; pass exactly " + size + " columns (reshaped in C order) or an array column");
            }
        }
        return new FeatureMapping(indexes, names, types, arrays, sizes, allowNaN);
    }

    private static int checkColumn(StructType schema, String column, boolean array) {
        int index;
        try {
            index = schema.fieldIndex(column);
        } catch (IllegalArgumentException e) {
            throw JobException.data("feature column '" + column + "' is not in the input; available columns: "
                    + Arrays.toString(schema.fieldNames()));
        }
        StructField f = schema.fields()[index];
        DataType t = f.dataType();
        boolean ok = array ? t instanceof ArrayType at && isNumeric(at.elementType()) : isNumeric(t);
        if (!ok) {
            throw JobException.data("feature column '" + column + "' expects " + (array ? "an array of numbers" :
                    "a numeric type") + " but has type " + t.simpleString() + "; cast it to a number in the source data or choose"
                    + " another column");
        }
        return index;
    }

    private static boolean isNumeric(DataType t) {
        return NUMERIC.contains(t) || t instanceof DecimalType;
    }

    /**
     * Writes one row's values into slot {@code rowInBatch} of the input buffers.
     *
     * @throws BadRowException when a value is null, NaN/infinite (unless NaN is allowed) or an array has the wrong
     *                         length; {@code keyOf} names the row in the message
     */
    public void read(Row row, float[][] buffers, int rowInBatch, RowKey keyOf) {
        for (int i = 0; i < columnIndexes.length; i++) {
            float[] buffer = buffers[i];
            int base = rowInBatch * inputSizes[i];
            if (fromArray[i]) {
                readArray(row, i, buffer, base, keyOf);
            } else {
                int[] cols = columnIndexes[i];
                for (int c = 0; c < cols.length; c++) {
                    buffer[base + c] = value(row, cols[c], columnNames[i][c], keyOf);
                }
            }
        }
    }

    private void readArray(Row row, int input, float[] buffer, int base, RowKey keyOf) {
        int col = columnIndexes[input][0];
        String name = columnNames[input][0];
        if (row.isNullAt(col)) {
            throw new BadRowException(keyOf.describe(row), name, "is null");
        }
        List<Object> values = row.getList(col);
        if (values.size() != inputSizes[input]) {
            throw new BadRowException(keyOf.describe(row), name, "has " + values.size() + " values but the model"
                    + " input expects " + inputSizes[input]);
        }
        for (int k = 0; k < values.size(); k++) {
            Object v = values.get(k);
            if (v == null) {
                throw new BadRowException(keyOf.describe(row), name, "has a null at position " + k);
            }
            float f = toFloat(v);
            if (rejects(f)) {
                throw new BadRowException(keyOf.describe(row), name + "[" + k + "]", "is " + f);
            }
            buffer[base + k] = f;
        }
    }

    private float value(Row row, int col, String name, RowKey keyOf) {
        if (row.isNullAt(col)) {
            throw new BadRowException(keyOf.describe(row), name, "is null");
        }
        float v = toFloat(row.get(col));
        if (rejects(v)) {
            throw new BadRowException(keyOf.describe(row), name, "is " + v);
        }
        return v;
    }

    /**
     * The same for one of Spark's internal rows (which Spark reuses: nothing of it is kept), with the same values,
     * checks and messages.
     */
    public void read(InternalRow row, float[][] buffers, int rowInBatch, RowKey keyOf) {
        for (int i = 0; i < columnIndexes.length; i++) {
            float[] buffer = buffers[i];
            int base = rowInBatch * inputSizes[i];
            if (fromArray[i]) {
                readArray(row, i, buffer, base, keyOf);
            } else {
                int[] cols = columnIndexes[i];
                DataType[] types = valueTypes[i];
                for (int c = 0; c < cols.length; c++) {
                    int col = cols[c];
                    if (row.isNullAt(col)) {
                        throw new BadRowException(keyOf.describe(row), columnNames[i][c], "is null");
                    }
                    float v = InternalValues.toFloat(row, col, types[c]);
                    if (rejects(v)) {
                        throw new BadRowException(keyOf.describe(row), columnNames[i][c], "is " + v);
                    }
                    buffer[base + c] = v;
                }
            }
        }
    }

    private void readArray(InternalRow row, int input, float[] buffer, int base, RowKey keyOf) {
        int col = columnIndexes[input][0];
        String name = columnNames[input][0];
        if (row.isNullAt(col)) {
            throw new BadRowException(keyOf.describe(row), name, "is null");
        }
        ArrayData values = row.getArray(col);
        int n = values.numElements();
        if (n != inputSizes[input]) {
            throw new BadRowException(keyOf.describe(row), name, "has " + n + " values but the model input expects "
                    + inputSizes[input]);
        }
        DataType type = valueTypes[input][0];
        for (int k = 0; k < n; k++) {
            if (values.isNullAt(k)) {
                throw new BadRowException(keyOf.describe(row), name, "has a null at position " + k);
            }
            float f = InternalValues.toFloat(values, k, type);
            if (rejects(f)) {
                throw new BadRowException(keyOf.describe(row), name + "[" + k + "]", "is " + f);
            }
            buffer[base + k] = f;
        }
    }

    private boolean rejects(float v) {
        return Float.isNaN(v) ? !allowNaN : Float.isInfinite(v);
    }

    private static float toFloat(Object v) {
        if (v instanceof Float f) {
            return f;
        }
        if (v instanceof BigDecimal d) {
            return d.floatValue();
        }
        return ((Number) v).floatValue();
    }

    /** All columns read, in binding order, for projections. */
    public static List<String> columnsOf(List<InputBinding> bindings) {
        List<String> cols = new ArrayList<>();
        bindings.forEach(b -> cols.addAll(b.columns()));
        return cols;
    }
}
