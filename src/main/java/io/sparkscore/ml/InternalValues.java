package io.sparkscore.ml;

import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Reading values out of Spark's internal rows and arrays, which Spark reuses and whose strings, structs, arrays and
 * maps may point into a shared buffer: numbers as float32 exactly as the external {@code Row} path converts them, and
 * column values copied so that they outlive the row they came from.
 */
final class InternalValues {

    private InternalValues() {
    }

    /** Copies one column of a reused row into a row the batch keeps. */
    interface Copier {
        void copy(InternalRow from, int ordinal, InternalRow to, int at);
    }

    /** Primitive columns are copied unboxed; everything else as a value that owns its bytes. */
    static Copier copier(DataType type) {
        Copier value;
        if (type instanceof LongType) {
            value = (f, o, t, a) -> t.setLong(a, f.getLong(o));
        } else if (type instanceof IntegerType) {
            value = (f, o, t, a) -> t.setInt(a, f.getInt(o));
        } else if (type instanceof DoubleType) {
            value = (f, o, t, a) -> t.setDouble(a, f.getDouble(o));
        } else if (type instanceof FloatType) {
            value = (f, o, t, a) -> t.setFloat(a, f.getFloat(o));
        } else if (type instanceof ShortType) {
            value = (f, o, t, a) -> t.setShort(a, f.getShort(o));
        } else if (type instanceof ByteType) {
            value = (f, o, t, a) -> t.setByte(a, f.getByte(o));
        } else if (type instanceof BooleanType) {
            value = (f, o, t, a) -> t.setBoolean(a, f.getBoolean(o));
        } else {
            value = (f, o, t, a) -> t.update(a, owned(f.get(o, type)));
        }
        return (f, o, t, a) -> {
            if (f.isNullAt(o)) {
                t.setNullAt(a);
            } else {
                value.copy(f, o, t, a);
            }
        };
    }

    private static Object owned(Object v) {
        if (v instanceof UTF8String s) {
            return s.copy();
        }
        if (v instanceof InternalRow r) {
            return r.copy();
        }
        if (v instanceof ArrayData a) {
            return a.copy();
        }
        if (v instanceof MapData m) {
            return m.copy();
        }
        return v;
    }

    /**
     * Value {@code i} of a numeric row or array as float32, rounded as {@link Number#floatValue()} rounds the
     * external value (a decimal through its {@link java.math.BigDecimal}).
     */
    static float toFloat(SpecializedGetters values, int i, DataType type) {
        if (type instanceof FloatType) {
            return values.getFloat(i);
        }
        if (type instanceof DoubleType) {
            return (float) values.getDouble(i);
        }
        if (type instanceof IntegerType) {
            return values.getInt(i);
        }
        if (type instanceof LongType) {
            return values.getLong(i);
        }
        if (type instanceof ShortType) {
            return values.getShort(i);
        }
        if (type instanceof ByteType) {
            return values.getByte(i);
        }
        DecimalType d = (DecimalType) type;
        return values.getDecimal(i, d.precision(), d.scale()).toJavaBigDecimal().floatValue();
    }

    /** Value {@code i} of an integral (byte, short, int or long) row or array as a long. */
    static long toLong(SpecializedGetters values, int i, DataType type) {
        if (type instanceof LongType) {
            return values.getLong(i);
        }
        if (type instanceof IntegerType) {
            return values.getInt(i);
        }
        if (type instanceof ShortType) {
            return values.getShort(i);
        }
        return values.getByte(i);
    }

    /** Value {@code i} of a row as the external {@code Row} would hold it, for messages. */
    static Object external(InternalRow row, int i, DataType type) {
        return row.isNullAt(i) ? null : CatalystTypeConverters.convertToScala(row.get(i, type), type);
    }
}
