package io.sparkscore.ml;

import io.sparkscore.model.Shapes;
import io.sparkscore.model.categorical.InputEncodings;
import io.sparkscore.model.categorical.InputEncodings.Encoding;
import io.sparkscore.model.categorical.InputEncodings.Kind;
import io.sparkscore.runtime.ModelSignature;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Turns input rows into the model's flat float32 input buffers: the "rows to buffers" role of a batch.
 *
 * <p>Resolved once on the driver against the input schema and the model signature, so that a missing column, a
 * non-numeric type or a wrong feature count fails before any partition runs; executors then only read values, from
 * external {@code Row}s or from Spark's internal rows alike ({@link FeatureValues}). Immutable and serialisable (it
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
    /** How each input reads its columns: numbers, booleans, or categories through the input's lookup encoder. */
    private final Encoding[] encodings;
    private final boolean allowNaN;
    /** The open (sequence) inputs: their rows' lengths vary, and {@link #inputSizes} holds one step's size. */
    private final SequenceLengths sequences;

    private FeatureMapping(int[][] columnIndexes, String[][] columnNames, DataType[][] valueTypes, boolean[] fromArray,
                           int[] inputSizes, Encoding[] encodings, boolean allowNaN, SequenceLengths sequences) {
        this.sequences = sequences;
        this.columnIndexes = columnIndexes;
        this.encodings = encodings;
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
        return resolve(schema, bindings, signature, signature.inputNames().stream().map(Encoding::number).toList(),
                allowNaN);
    }

    /**
     * As {@link #resolve(StructType, List, ModelSignature, boolean)} for a model whose inputs read as
     * {@code encodings} say ({@link InputEncodings#of}): string, integer and boolean columns bind to categorical and
     * boolean inputs.
     */
    public static FeatureMapping resolve(StructType schema, List<InputBinding> bindings, ModelSignature signature,
                                         List<Encoding> encodings, boolean allowNaN) {
        return resolve(schema, bindings, signature, encodings, allowNaN, SequenceLengths.NONE);
    }

    /**
     * As above for a model with open (sequence) inputs, whose rows' lengths {@code sequences} bounds: each such
     * input reads one array column of a whole number of steps.
     */
    static FeatureMapping resolve(StructType schema, List<InputBinding> bindings, ModelSignature signature,
                                  List<Encoding> encodings, boolean allowNaN, SequenceLengths sequences) {
        int n = signature.inputCount();
        bindings = InputBinding.inModelOrder(bindings, signature.inputNames());
        int[][] indexes = new int[n][];
        String[][] names = new String[n][];
        DataType[][] types = new DataType[n][];
        boolean[] arrays = new boolean[n];
        int[] sizes = new int[n];
        for (int i = 0; i < n; i++) {
            InputBinding b = bindings.get(i);
            if (signature.isOpen(i) && b.arrayColumn() == null) {
                throw JobException.data("model input '" + signature.inputNames().get(i) + "' has shape "
                        + Shapes.format(signature.inputShapes().get(i)) + ", a sequence whose length each row brings,"
                        + " but scalar columns " + b.columns() + " were given; bind one array column holding the"
                        + " row's " + sequences.describe(signature, i) + " values (array<float>, T steps of "
                        + signature.stepSize(i) + " values flattened, or array<array<float>>: one inner array per"
                        + " step)");
            }
            if (signature.isOpen(i) && encodings.get(i).kind() != Kind.NUMBER) {
                throw JobException.data("model input '" + signature.inputNames().get(i) + "' has shape "
                        + Shapes.format(signature.inputShapes().get(i)) + " and reads " + encodings.get(i).kind()
                        + " values through a lookup layer; sequences of varying length are read as numbers only:"
                        + " declare the sequence length, or look the values up before scoring");
            }
            int size = signature.isOpen(i) ? signature.stepSize(i) : signature.inputSize(i);
            sizes[i] = size;
            String shape = Shapes.format(signature.inputShapes().get(i));
            List<String> cols = b.columns();
            indexes[i] = new int[cols.size()];
            names[i] = cols.toArray(String[]::new);
            types[i] = new DataType[cols.size()];
            Encoding encoding = encodings.get(i);
            for (int c = 0; c < cols.size(); c++) {
                boolean array = b.arrayColumn() != null;
                indexes[i][c] = encoding.kind() == Kind.NUMBER ? checkColumn(schema, cols.get(c), array)
                        : CategoricalColumns.check(schema, cols.get(c), encoding, array);
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
        return new FeatureMapping(indexes, names, types, arrays, sizes, encodings.toArray(Encoding[]::new), allowNaN,
                sequences);
    }

    static int checkColumnExists(StructType schema, String column) {
        try {
            return schema.fieldIndex(column);
        } catch (IllegalArgumentException e) {
            throw JobException.data("feature column '" + column + "' is not in the input; available columns: "
                    + Arrays.toString(schema.fieldNames()));
        }
    }

    private static int checkColumn(StructType schema, String column, boolean array) {
        int index = checkColumnExists(schema, column);
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
    public void read(FeatureValues row, float[][] buffers, int rowInBatch, RowKey keyOf) {
        read(row, buffers, null, rowInBatch, keyOf);
    }

    /** The open (sequence) inputs this mapping reads, and the lengths their rows may have. */
    SequenceLengths sequences() {
        return sequences;
    }

    /**
     * As {@link #read(FeatureValues, float[][], int, RowKey)}, with the rows of open (sequence) inputs one after the
     * other: row {@code rowInBatch} of such an input {@code i} starts at {@code rowStarts[i][rowInBatch]}, and
     * reading it sets where the next one starts (a buffer too small for it is replaced by a larger copy).
     */
    void read(FeatureValues row, float[][] buffers, int[][] rowStarts, int rowInBatch, RowKey keyOf) {
        for (int i = 0; i < columnIndexes.length; i++) {
            if (sequences.isOpen(i)) {
                readSequence(row, i, buffers, rowStarts[i], rowInBatch, keyOf);
                continue;
            }
            float[] buffer = buffers[i];
            int base = rowInBatch * inputSizes[i];
            if (encodings[i].kind() != Kind.NUMBER) {
                if (fromArray[i]) {
                    CategoricalColumns.readArray(row, encodings[i], columnIndexes[i][0], columnNames[i][0],
                            valueTypes[i][0], inputSizes[i], buffer, base, keyOf);
                } else {
                    CategoricalColumns.readScalars(row, encodings[i], columnIndexes[i], columnNames[i], valueTypes[i],
                            buffer, base, keyOf);
                }
                continue;
            }
            if (fromArray[i]) {
                readArray(row, i, buffer, base, keyOf);
                continue;
            }
            int[] cols = columnIndexes[i];
            for (int c = 0; c < cols.length; c++) {
                if (row.isNullAt(cols[c])) {
                    throw new BadRowException(row.describe(keyOf), columnNames[i][c], "is null");
                }
                buffer[base + c] = checked(row.number(cols[c], valueTypes[i][c]), row, columnNames[i][c], keyOf);
            }
        }
    }

    private void readSequence(FeatureValues row, int input, float[][] buffers, int[] starts, int rowInBatch,
                              RowKey keyOf) {
        int col = columnIndexes[input][0];
        String name = columnNames[input][0];
        if (row.isNullAt(col)) {
            throw new BadRowException(row.describe(keyOf), name, "is null");
        }
        int n = row.openArray(col);
        String problem = sequences.problem(input, name, n);
        if (problem != null) {
            throw new BadRowException(row.describe(keyOf), name, problem.substring(name.length() + 1));
        }
        int base = starts[rowInBatch];
        if (buffers[input].length < base + n) {
            buffers[input] = java.util.Arrays.copyOf(buffers[input], Math.max(base + n, 2 * buffers[input].length));
        }
        readElements(row, input, buffers[input], base, n, keyOf);
        starts[rowInBatch + 1] = base + n;
    }

    private void readArray(FeatureValues row, int input, float[] buffer, int base, RowKey keyOf) {
        int col = columnIndexes[input][0];
        String name = columnNames[input][0];
        if (row.isNullAt(col)) {
            throw new BadRowException(row.describe(keyOf), name, "is null");
        }
        int n = row.openArray(col);
        if (n != inputSizes[input]) {
            throw new BadRowException(row.describe(keyOf), name, "has " + n + " values but the model input expects "
                    + inputSizes[input]);
        }
        readElements(row, input, buffer, base, n, keyOf);
    }

    private void readElements(FeatureValues row, int input, float[] buffer, int base, int n, RowKey keyOf) {
        String name = columnNames[input][0];
        DataType type = valueTypes[input][0];
        for (int k = 0; k < n; k++) {
            if (row.elementIsNull(k)) {
                throw new BadRowException(row.describe(keyOf), name, "has a null at position " + k);
            }
            buffer[base + k] = checked(row.element(k, type), row, name + "[" + k + "]", keyOf);
        }
    }

    private float checked(float v, FeatureValues row, String name, RowKey keyOf) {
        if (Float.isNaN(v) ? !allowNaN : Float.isInfinite(v)) {
            throw new BadRowException(row.describe(keyOf), name, "is " + v);
        }
        return v;
    }

    /** All columns read, in binding order, for projections. */
    public static List<String> columnsOf(List<InputBinding> bindings) {
        List<String> cols = new ArrayList<>();
        bindings.forEach(b -> cols.addAll(b.columns()));
        return cols;
    }
}
