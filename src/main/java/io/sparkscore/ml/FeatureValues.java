package io.sparkscore.ml;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;

import java.math.BigDecimal;
import java.util.List;

/**
 * One row's feature columns as {@link FeatureMapping} reads them, so that one mapping (its checks, its messages)
 * serves both kinds of row: an external {@link Row} or one of Spark's internal rows. Each batch holds one instance
 * and points it at row after row. Not thread-safe.
 */
public abstract class FeatureValues {

    abstract boolean isNullAt(int col);

    /** The value of a non-null numeric column as float32; {@code type} is the column's type. */
    abstract float number(int col, DataType type);

    /** The value of a non-null string column (a categorical feature). */
    abstract String string(int col);

    /** The value of a non-null integral column (byte, short, int or long) as a long. */
    abstract long integer(int col, DataType type);

    /** The value of a non-null boolean column. */
    abstract boolean bool(int col);

    /** Opens the non-null array column {@code col} for {@link #elementIsNull} and {@link #element}; its length. */
    abstract int openArray(int col);

    abstract boolean elementIsNull(int k);

    /** Element {@code k} of the open array as float32; {@code type} is the array's element type. */
    abstract float element(int k, DataType type);

    /** Element {@code k} of the open array of strings. */
    abstract String elementString(int k);

    /** Element {@code k} of the open array of integers ({@code type}: byte, short, int or long) as a long. */
    abstract long elementInteger(int k, DataType type);

    /** Element {@code k} of the open array of booleans. */
    abstract boolean elementBool(int k);

    /** The row, named by its key columns for a message. */
    abstract String describe(RowKey key);

    /** An external {@link Row}: values are converted as {@link Number#floatValue()} converts them. */
    public static final class OfRow extends FeatureValues {

        private Row row;
        private List<Object> array;

        public OfRow of(Row current) {
            row = current;
            return this;
        }

        @Override
        boolean isNullAt(int col) {
            return row.isNullAt(col);
        }

        @Override
        float number(int col, DataType type) {
            return toFloat(row.get(col));
        }

        @Override
        String string(int col) {
            return row.getString(col);
        }

        @Override
        long integer(int col, DataType type) {
            return ((Number) row.get(col)).longValue();
        }

        @Override
        boolean bool(int col) {
            return row.getBoolean(col);
        }

        @Override
        int openArray(int col) {
            array = row.getList(col);
            return array.size();
        }

        @Override
        boolean elementIsNull(int k) {
            return array.get(k) == null;
        }

        @Override
        float element(int k, DataType type) {
            return toFloat(array.get(k));
        }

        @Override
        String elementString(int k) {
            return (String) array.get(k);
        }

        @Override
        long elementInteger(int k, DataType type) {
            return ((Number) array.get(k)).longValue();
        }

        @Override
        boolean elementBool(int k) {
            return (Boolean) array.get(k);
        }

        @Override
        String describe(RowKey key) {
            return key.describe(row);
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
    }

    /** One of Spark's internal rows, which Spark reuses: nothing of it is kept past the next row. */
    public static final class OfInternalRow extends FeatureValues {

        private InternalRow row;
        private ArrayData array;

        public OfInternalRow of(InternalRow current) {
            row = current;
            return this;
        }

        @Override
        boolean isNullAt(int col) {
            return row.isNullAt(col);
        }

        @Override
        float number(int col, DataType type) {
            return InternalValues.toFloat(row, col, type);
        }

        @Override
        String string(int col) {
            return row.getUTF8String(col).toString();
        }

        @Override
        long integer(int col, DataType type) {
            return InternalValues.toLong(row, col, type);
        }

        @Override
        boolean bool(int col) {
            return row.getBoolean(col);
        }

        @Override
        int openArray(int col) {
            array = row.getArray(col);
            return array.numElements();
        }

        @Override
        boolean elementIsNull(int k) {
            return array.isNullAt(k);
        }

        @Override
        float element(int k, DataType type) {
            return InternalValues.toFloat(array, k, type);
        }

        @Override
        String elementString(int k) {
            return array.getUTF8String(k).toString();
        }

        @Override
        long elementInteger(int k, DataType type) {
            return InternalValues.toLong(array, k, type);
        }

        @Override
        boolean elementBool(int k) {
            return array.getBoolean(k);
        }

        @Override
        String describe(RowKey key) {
            return key.describe(row);
        }
    }
}
