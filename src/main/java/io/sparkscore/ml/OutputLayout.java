package io.sparkscore.ml;

import io.sparkscore.runtime.ModelSignature;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeArrayWriter;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The "buffers to rows" role: one output column per model output. A single-output model's column is named
 * {@code prediction} (overridable); a multi-output model's columns are named after its outputs. What a column holds
 * depends on the output mode:
 * <ul>
 *   <li>{@code probabilities} (default): the raw values, {@code float} for one value per row, else
 *       {@code array<float>}</li>
 *   <li>{@code argmax}: the index of the largest value, {@code int} (classifier heads with several units)</li>
 *   <li>{@code threshold=t}: 1 where the value is at least {@code t}, else 0, {@code int} or {@code array<int>}</li>
 * </ul>
 */
public final class OutputLayout implements Serializable {

    private enum Mode { PROBABILITIES, ARGMAX, THRESHOLD }

    private final String[] columns;
    private final int[] sizes;
    private final Mode mode;
    private final float threshold;

    private OutputLayout(String[] columns, int[] sizes, Mode mode, float threshold) {
        this.columns = columns;
        this.sizes = sizes;
        this.mode = mode;
        this.threshold = threshold;
    }

    /**
     * @param names      column names, one per model output, or empty for the defaults
     * @param outputMode {@code probabilities}, {@code argmax} or {@code threshold=<t>}
     */
    public static OutputLayout of(ModelSignature signature, List<String> names, String defaultSingleName,
                                  String outputMode) {
        int n = signature.outputCount();
        if (!names.isEmpty() && names.size() != n) {
            throw JobException.config("the model has " + n + " outputs " + signature.outputNames() + " but "
                    + names.size() + " prediction column names were given: " + names);
        }
        String[] cols = new String[n];
        int[] sizes = new int[n];
        for (int j = 0; j < n; j++) {
            cols[j] = !names.isEmpty() ? names.get(j) : n == 1 ? defaultSingleName : signature.outputNames().get(j);
            sizes[j] = signature.outputSize(j);
        }
        String m = outputMode.toLowerCase(Locale.ROOT).trim();
        if (m.equals("probabilities")) {
            return new OutputLayout(cols, sizes, Mode.PROBABILITIES, 0);
        }
        if (m.equals("argmax")) {
            for (int j = 0; j < n; j++) {
                if (sizes[j] < 2) {
                    throw JobException.config("--output-mode argmax needs outputs with several values, but output '"
                            + signature.outputNames().get(j) + "' has " + sizes[j] + "; use threshold=0.5 for a"
                            + " single sigmoid unit");
                }
            }
            return new OutputLayout(cols, sizes, Mode.ARGMAX, 0);
        }
        if (m.startsWith("threshold=")) {
            try {
                return new OutputLayout(cols, sizes, Mode.THRESHOLD, Float.parseFloat(m.substring(10)));
            } catch (NumberFormatException e) {
                throw JobException.config("--output-mode '" + outputMode + "': the threshold must be a number");
            }
        }
        throw JobException.config("unknown --output-mode '" + outputMode + "'; expected probabilities, argmax or"
                + " threshold=<t>");
    }

    public int columnCount() {
        return columns.length;
    }

    /** The output schema: the kept input fields, then the prediction columns; refuses name collisions. */
    public StructType schema(StructType keptFields) {
        Set<String> seen = new HashSet<>(Arrays.asList(keptFields.fieldNames()));
        List<StructField> fields = new ArrayList<>(Arrays.asList(keptFields.fields()));
        for (int j = 0; j < columns.length; j++) {
            if (!seen.add(columns[j])) {
                throw JobException.config("prediction column '" + columns[j] + "' collides with a kept input column"
                        + " of the same name; rename it with --prediction-column or drop it from --keep");
            }
            fields.add(DataTypes.createStructField(columns[j], typeOf(sizes[j]), false));
        }
        return DataTypes.createStructType(fields);
    }

    private DataType typeOf(int size) {
        return switch (mode) {
            case PROBABILITIES -> size == 1 ? DataTypes.FloatType
                    : DataTypes.createArrayType(DataTypes.FloatType, false);
            case ARGMAX -> DataTypes.IntegerType;
            case THRESHOLD -> size == 1 ? DataTypes.IntegerType
                    : DataTypes.createArrayType(DataTypes.IntegerType, false);
        };
    }

    float[][] allocate(int rows) {
        float[][] buffers = new float[sizes.length][];
        for (int j = 0; j < sizes.length; j++) {
            buffers[j] = new float[rows * sizes[j]];
        }
        return buffers;
    }

    /** Copies row {@code r}'s predictions into {@code values} from position {@code at}. */
    void write(float[][] outputs, int r, Object[] values, int at) {
        for (int j = 0; j < sizes.length; j++) {
            values[at + j] = decode(outputs[j], r * sizes[j], sizes[j]);
        }
    }

    /** The same values written into field {@code at} onwards of an internal row, primitives unboxed. */
    void write(float[][] outputs, int r, InternalRow target, int at) {
        for (int j = 0; j < sizes.length; j++) {
            int size = sizes[j];
            float[] out = outputs[j];
            int from = r * size;
            switch (mode) {
                case ARGMAX -> target.setInt(at + j, argmax(out, from, size));
                case THRESHOLD -> {
                    if (size == 1) {
                        target.setInt(at + j, flag(out[from]));
                    } else {
                        target.update(at + j, UnsafeArrayData.fromPrimitiveArray(flags(out, from, size)));
                    }
                }
                default -> {
                    if (size == 1) {
                        target.setFloat(at + j, out[from]);
                    } else {
                        // straight from the output buffer, one copy
                        target.update(at + j, UnsafeArrayData.fromPrimitiveArray(out, Platform.FLOAT_ARRAY_OFFSET
                                + from * Float.BYTES, size, Float.BYTES));
                    }
                }
            }
        }
    }

    /**
     * The same values written into fields {@code at} onwards of the {@code UnsafeRow} that {@code target} is building,
     * straight from the output buffers: one writer per output row stream, reused row after row.
     */
    UnsafeFields unsafeFields(UnsafeRowWriter target, int at) {
        return new UnsafeFields(target, at);
    }

    /** Writes one row's prediction fields into an {@code UnsafeRow}; see {@link #unsafeFields}. Not thread-safe. */
    final class UnsafeFields {

        private final UnsafeRowWriter target;
        private final int at;
        /** Array fields are written in place through a child writer, as Spark's generated projections do. */
        private final UnsafeArrayWriter arrays;

        private UnsafeFields(UnsafeRowWriter target, int at) {
            this.target = target;
            this.at = at;
            this.arrays = new UnsafeArrayWriter(target, Float.BYTES); // float and int elements: 4 bytes each
        }

        void write(float[][] outputs, int r) {
            for (int j = 0; j < sizes.length; j++) {
                int size = sizes[j];
                float[] out = outputs[j];
                int from = r * size;
                int field = at + j;
                if (mode == Mode.ARGMAX) {
                    target.write(field, argmax(out, from, size));
                } else if (size == 1) {
                    if (mode == Mode.THRESHOLD) {
                        target.write(field, flag(out[from]));
                    } else {
                        target.write(field, out[from]);
                    }
                } else {
                    int start = target.cursor();
                    arrays.initialize(size);
                    for (int k = 0; k < size; k++) {
                        if (mode == Mode.THRESHOLD) {
                            arrays.write(k, flag(out[from + k]));
                        } else {
                            arrays.write(k, out[from + k]);
                        }
                    }
                    target.setOffsetAndSizeFromPreviousCursor(field, start);
                }
            }
        }
    }

    private Object decode(float[] out, int from, int size) {
        return switch (mode) {
            case ARGMAX -> argmax(out, from, size);
            case THRESHOLD -> size == 1 ? (Object) flag(out[from]) : flags(out, from, size);
            default -> size == 1 ? (Object) out[from] : Arrays.copyOfRange(out, from, from + size);
        };
    }

    private static int argmax(float[] out, int from, int size) {
        int best = 0;
        for (int k = 1; k < size; k++) {
            if (out[from + k] > out[from + best]) {
                best = k;
            }
        }
        return best;
    }

    private int flag(float v) {
        return v >= threshold ? 1 : 0;
    }

    private int[] flags(float[] out, int from, int size) {
        int[] flags = new int[size];
        for (int k = 0; k < size; k++) {
            flags[k] = flag(out[from + k]);
        }
        return flags;
    }
}
