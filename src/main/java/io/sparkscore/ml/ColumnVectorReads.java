package io.sparkscore.ml;

import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.sql.vectorized.ColumnarBatch;

import java.io.Serializable;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a run of a column batch's rows column by column: each feature column's values straight from its
 * {@link ColumnVector} into the model's input buffers in one tight loop, and each kept column's value straight into
 * the output {@code UnsafeRow}. No per-row object, no per-value dispatch on the type: the type is resolved once per
 * column and run.
 *
 * <p>The loop only flags rows that may be bad (a null, or a value {@link FeatureMapping} refuses: NaN unless allowed,
 * infinite); {@link ColumnBatchScoringIterator} hands those to the row path, whose checks and messages decide. Values
 * convert to float32 exactly as {@link InternalValues#toFloat} converts them, so predictions are bit for bit those of
 * the row path.
 *
 * <p>Only plain inputs qualify ({@link #of} is empty otherwise): every model input bound to scalar columns or an
 * array column of a primitive numeric type, every kept column of a type an {@code UnsafeRow} holds in place or as
 * plain bytes.
 * Immutable and serialisable (it travels in the task closure).
 */
final class ColumnVectorReads implements Serializable {

    private enum Kind { BOOLEAN, BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, STRING, BINARY }

    /** The kinds a feature column may have (FeatureMapping has already refused the others). */
    private static final Set<Kind> NUMBERS = EnumSet.range(Kind.BYTE, Kind.DOUBLE);

    /**
     * Per model input, the batch column of each of its values, in buffer order, and the columns' kinds; for an
     * input bound to an array column, that one column and its elements' kind.
     */
    private final int[][] featureColumns;
    private final Kind[][] featureKinds;
    private final boolean[] fromArray;
    private final int[] inputSizes;
    private final int[] keptColumns;
    private final Kind[] keptKinds;
    private final boolean allowNaN;

    private ColumnVectorReads(int[][] featureColumns, Kind[][] featureKinds, boolean[] fromArray, int[] inputSizes,
                              int[] keptColumns, Kind[] keptKinds, boolean allowNaN) {
        this.featureColumns = featureColumns;
        this.featureKinds = featureKinds;
        this.fromArray = fromArray;
        this.inputSizes = inputSizes;
        this.keptColumns = keptColumns;
        this.keptKinds = keptKinds;
        this.allowNaN = allowNaN;
    }

    /**
     * The column reads for batches of {@code schema}, or empty when a feature (or an array feature's element) is
     * not a primitive number or a kept column is nested or a decimal (those go through the row path).
     *
     * @param bindings    feature bindings in model input order, already checked by {@link FeatureMapping#resolve}
     * @param keepIndexes the kept columns' positions in {@code schema}, in output order
     */
    static Optional<ColumnVectorReads> of(StructType schema, List<InputBinding> bindings, int[] inputSizes,
                                          int[] keepIndexes, boolean allowNaN) {
        int[][] columns = new int[bindings.size()][];
        Kind[][] kinds = new Kind[bindings.size()][];
        boolean[] arrays = new boolean[bindings.size()];
        for (int i = 0; i < bindings.size(); i++) {
            InputBinding b = bindings.get(i);
            arrays[i] = b.arrayColumn() != null;
            List<String> names = b.columns();
            columns[i] = new int[names.size()];
            kinds[i] = new Kind[names.size()];
            for (int c = 0; c < names.size(); c++) {
                columns[i][c] = schema.fieldIndex(names.get(c));
                DataType type = schema.fields()[columns[i][c]].dataType();
                Optional<Kind> kind = kindOf(arrays[i] && type instanceof ArrayType at ? at.elementType() : type);
                if (kind.isEmpty() || !NUMBERS.contains(kind.get())) {
                    return Optional.empty();
                }
                kinds[i][c] = kind.get();
            }
        }
        Kind[] kept = new Kind[keepIndexes.length];
        for (int k = 0; k < kept.length; k++) {
            Optional<Kind> kind = kindOf(schema.fields()[keepIndexes[k]].dataType());
            if (kind.isEmpty()) {
                return Optional.empty();
            }
            kept[k] = kind.get();
        }
        return Optional.of(new ColumnVectorReads(columns, kinds, arrays, inputSizes.clone(), keepIndexes.clone(),
                kept, allowNaN));
    }

    /** How a column's values are read; dates and timestamps are the int and long an {@code UnsafeRow} holds. */
    private static Optional<Kind> kindOf(DataType t) {
        Kind kind = null;
        if (t == DataTypes.BooleanType) {
            kind = Kind.BOOLEAN;
        } else if (t == DataTypes.ByteType) {
            kind = Kind.BYTE;
        } else if (t == DataTypes.ShortType) {
            kind = Kind.SHORT;
        } else if (t == DataTypes.IntegerType || t == DataTypes.DateType) {
            kind = Kind.INT;
        } else if (t == DataTypes.LongType || t == DataTypes.TimestampType || t == DataTypes.TimestampNTZType) {
            kind = Kind.LONG;
        } else if (t == DataTypes.FloatType) {
            kind = Kind.FLOAT;
        } else if (t == DataTypes.DoubleType) {
            kind = Kind.DOUBLE;
        } else if (t == DataTypes.StringType) {
            kind = Kind.STRING;
        } else if (t == DataTypes.BinaryType) {
            kind = Kind.BINARY;
        }
        return Optional.ofNullable(kind);
    }

    /** Output fields the kept columns take before the predictions. */
    int keptCount() {
        return keptColumns.length;
    }

    /**
     * Reads rows {@code from .. from + count} of {@code batch} into slots {@code 0 .. count} of {@code inputs}.
     *
     * @param suspect set for each row the row path must judge (a null or a refused value); left as it is otherwise
     * @return whether any row was flagged
     */
    boolean readFeatures(ColumnarBatch batch, int from, int count, float[][] inputs, boolean[] suspect) {
        boolean any = false;
        for (int i = 0; i < featureColumns.length; i++) {
            int stride = inputSizes[i];
            if (fromArray[i]) {
                any |= readArrays(batch.column(featureColumns[i][0]), featureKinds[i][0], from, count, inputs[i],
                        stride, suspect);
                continue;
            }
            for (int c = 0; c < featureColumns[i].length; c++) {
                ColumnVector v = batch.column(featureColumns[i][c]);
                any |= read(v, featureKinds[i][c], from, count, inputs[i], c, stride, suspect);
                if (v.hasNull()) {
                    for (int k = 0; k < count; k++) {
                        if (v.isNullAt(from + k)) {
                            suspect[k] = true;
                            any = true;
                        }
                    }
                }
            }
        }
        return any;
    }

    /** One column's values into every {@code stride}-th float of {@code buffer} from {@code offset}. */
    private boolean read(ColumnVector v, Kind kind, int from, int count, float[] buffer, int offset, int stride,
                         boolean[] suspect) {
        switch (kind) {
            case FLOAT -> {
                return readFloats(v, from, count, buffer, offset, stride, suspect);
            }
            case DOUBLE -> {
                return readDoubles(v, from, count, buffer, offset, stride, suspect);
            }
            case INT -> {
                for (int k = 0, at = offset; k < count; k++, at += stride) {
                    buffer[at] = v.getInt(from + k);
                }
            }
            case LONG -> {
                for (int k = 0, at = offset; k < count; k++, at += stride) {
                    buffer[at] = v.getLong(from + k);
                }
            }
            case SHORT -> {
                for (int k = 0, at = offset; k < count; k++, at += stride) {
                    buffer[at] = v.getShort(from + k);
                }
            }
            default -> {
                for (int k = 0, at = offset; k < count; k++, at += stride) {
                    buffer[at] = v.getByte(from + k);
                }
            }
        }
        return false;
    }

    private boolean readFloats(ColumnVector v, int from, int count, float[] buffer, int offset, int stride,
                               boolean[] suspect) {
        boolean any = false;
        for (int k = 0, at = offset; k < count; k++, at += stride) {
            float x = v.getFloat(from + k);
            buffer[at] = x;
            if (refused(x)) {
                suspect[k] = true;
                any = true;
            }
        }
        return any;
    }

    private boolean readDoubles(ColumnVector v, int from, int count, float[] buffer, int offset, int stride,
                                boolean[] suspect) {
        boolean any = false;
        for (int k = 0, at = offset; k < count; k++, at += stride) {
            // the row path checks the value after the float32 conversion (a huge double becomes infinite)
            float x = (float) v.getDouble(from + k);
            buffer[at] = x;
            if (refused(x)) {
                suspect[k] = true;
                any = true;
            }
        }
        return any;
    }

    /**
     * An array column's rows into consecutive runs of {@code length} floats; a null array, a wrong length, a null
     * element or a refused value flags the row.
     */
    private boolean readArrays(ColumnVector v, Kind kind, int from, int count, float[] buffer, int length,
                               boolean[] suspect) {
        boolean any = false;
        for (int k = 0; k < count; k++) {
            int row = from + k;
            if (v.isNullAt(row)) {
                suspect[k] = true;
                any = true;
                continue;
            }
            ColumnarArray values = v.getArray(row);
            if (values.numElements() != length || !readElements(values, kind, buffer, k * length)) {
                suspect[k] = true;
                any = true;
            }
        }
        return any;
    }

    /** One array's elements into {@code buffer} from {@code at}; false when one is null or refused. */
    private boolean readElements(ColumnarArray values, Kind kind, float[] buffer, int at) {
        boolean good = true;
        int n = values.numElements();
        for (int e = 0; e < n; e++) {
            if (values.isNullAt(e)) {
                return false;
            }
            float x = switch (kind) {
                case FLOAT -> values.getFloat(e);
                case DOUBLE -> (float) values.getDouble(e);
                case INT -> values.getInt(e);
                case LONG -> values.getLong(e);
                case SHORT -> values.getShort(e);
                default -> values.getByte(e);
            };
            buffer[at + e] = x;
            good &= !refused(x);
        }
        return good;
    }

    /** What {@link FeatureMapping} refuses: NaN (unless allowed) and infinities. */
    private boolean refused(float x) {
        return allowNaN ? Float.isInfinite(x) : !Float.isFinite(x);
    }

    /** Writes row {@code row}'s kept columns into fields {@code 0 ..} of the row {@code out} is building. */
    void writeKept(ColumnarBatch batch, int row, UnsafeRowWriter out) {
        for (int k = 0; k < keptColumns.length; k++) {
            ColumnVector v = batch.column(keptColumns[k]);
            if (v.isNullAt(row)) {
                out.setNullAt(k);
                continue;
            }
            switch (keptKinds[k]) {
                case LONG -> out.write(k, v.getLong(row));
                case INT -> out.write(k, v.getInt(row));
                case DOUBLE -> out.write(k, v.getDouble(row));
                case FLOAT -> out.write(k, v.getFloat(row));
                case SHORT -> out.write(k, v.getShort(row));
                case BYTE -> out.write(k, v.getByte(row));
                case BOOLEAN -> out.write(k, v.getBoolean(row));
                case STRING -> out.write(k, v.getUTF8String(row));
                default -> out.write(k, v.getBinary(row));
            }
        }
    }
}
