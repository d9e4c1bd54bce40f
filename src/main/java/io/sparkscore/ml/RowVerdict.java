package io.sparkscore.ml;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link RowChecks}' verdict on a row of numeric features, computed in Java on the row the scorer is reading instead
 * of in a Spark SQL projection before it: the same checks in the same order, so a bad row gets the same reason code
 * either way (the quarantine pass still uses {@link RowChecks}, and its rows must match the scorer's counts).
 *
 * <p>Only plain numeric columns have a Java verdict: numbers and arrays of numbers. Strings (CSV numbers as text)
 * and Spark ML vectors need {@link RowChecks}' conversions; {@link #of} is empty for them. Immutable and serialisable
 * (it travels in the task closure).
 */
final class RowVerdict implements Serializable {

    private enum Kind { INTEGRAL, FLOAT, DOUBLE, INTEGRAL_ARRAY, FLOAT_ARRAY, DOUBLE_ARRAY }

    /**
     * One column's checks, in the order {@link RowChecks} evaluates them; {@code open}: an open (sequence) input's
     * array, whose length {@link SequenceLengths} checks ({@code length} is then one step's).
     */
    private record Column(int index, Kind kind, int length, boolean open) implements Serializable {
    }

    private final Column[] columns;
    private final boolean allowNaN;
    private final SequenceLengths sequences;

    private RowVerdict(Column[] columns, boolean allowNaN, SequenceLengths sequences) {
        this.columns = columns;
        this.allowNaN = allowNaN;
        this.sequences = sequences;
    }

    /**
     * The verdict for {@code bindings} (in model input order) over rows of {@code schema}, or empty when a feature
     * column is not plainly numeric.
     *
     * @param arrayLengths expected length of each binding's array column (ignored for scalar bindings)
     */
    static Optional<RowVerdict> of(StructType schema, List<InputBinding> bindings, int[] arrayLengths,
                                   boolean allowNaN) {
        return of(schema, bindings, arrayLengths, allowNaN, SequenceLengths.NONE);
    }

    /** As above, with the arrays of open (sequence) inputs checked against {@code sequences}. */
    static Optional<RowVerdict> of(StructType schema, List<InputBinding> bindings, int[] arrayLengths,
                                   boolean allowNaN, SequenceLengths sequences) {
        List<Column> columns = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < bindings.size(); i++) {
            InputBinding b = bindings.get(i);
            for (String name : b.columns()) {
                if (!seen.add(name)) {
                    continue; // RowChecks checks a column once, under its first binding
                }
                int index = schema.fieldIndex(name);
                Optional<Kind> kind = kindOf(schema.fields()[index].dataType(), b.arrayColumn() != null);
                if (kind.isEmpty()) {
                    return Optional.empty();
                }
                columns.add(new Column(index, kind.get(), arrayLengths[i], sequences.isOpen(i)));
            }
        }
        return Optional.of(new RowVerdict(columns.toArray(Column[]::new), allowNaN, sequences));
    }

    private static Optional<Kind> kindOf(DataType type, boolean array) {
        if (array) {
            if (!(type instanceof ArrayType at)) {
                return Optional.empty();
            }
            return kindOf(at.elementType(), false).map(k -> switch (k) {
                case FLOAT -> Kind.FLOAT_ARRAY;
                case DOUBLE -> Kind.DOUBLE_ARRAY;
                default -> Kind.INTEGRAL_ARRAY;
            });
        }
        if (type == DataTypes.FloatType) {
            return Optional.of(Kind.FLOAT);
        }
        if (type == DataTypes.DoubleType) {
            return Optional.of(Kind.DOUBLE);
        }
        boolean integral = type == DataTypes.ByteType || type == DataTypes.ShortType || type == DataTypes.IntegerType
                || type == DataTypes.LongType || type instanceof DecimalType;
        return integral ? Optional.of(Kind.INTEGRAL) : Optional.empty();
    }

    /** The row's {@link RowChecks#REASON_CODE}: null for a good row, else the code of its first failing check. */
    String reasonCode(InternalRow row) {
        for (Column c : columns) {
            if (row.isNullAt(c.index)) {
                return "null_value";
            }
            String code = switch (c.kind) {
                case INTEGRAL -> null;
                case FLOAT -> scalar(row.getFloat(c.index));
                case DOUBLE -> scalar(row.getDouble(c.index));
                default -> array(row.getArray(c.index), c);
            };
            if (code != null) {
                return code;
            }
        }
        return null;
    }

    private String scalar(double v) {
        if (Double.isNaN(v)) {
            return allowNaN ? null : "nan_value";
        }
        return Double.isInfinite(v) ? "infinite_value" : null;
    }

    /** Whether a sequence of {@code n} values of steps of {@code step} fails {@link SequenceLengths#problem}. */
    private boolean sequenceProblem(int n, int step) {
        int steps = n / step;
        return n == 0 || n % step != 0 || steps < sequences.minSteps() || steps > sequences.maxSteps();
    }

    /** As RowChecks: the length first, then any null element, then any NaN, then any infinite element. */
    private String array(ArrayData values, Column c) {
        int n = values.numElements();
        if (c.open) {
            if (sequenceProblem(n, c.length)) {
                return RowChecks.SEQUENCE_LENGTH;
            }
        } else if (n != c.length) {
            return "wrong_length";
        }
        boolean nan = false;
        boolean infinite = false;
        for (int k = 0; k < n; k++) {
            if (values.isNullAt(k)) {
                return "null_value";
            }
            if (c.kind != Kind.INTEGRAL_ARRAY) {
                double v = c.kind == Kind.FLOAT_ARRAY ? values.getFloat(k) : values.getDouble(k);
                nan |= Double.isNaN(v);
                infinite |= Double.isInfinite(v);
            }
        }
        if (nan && !allowNaN) {
            return "nan_value";
        }
        return infinite ? "infinite_value" : null;
    }
}
