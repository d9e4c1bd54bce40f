package io.sparkscore.job;

import io.sparkscore.runtime.ModelSignature;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The "buffers to rows" role: one output column per model output — {@code float} when the output has one value per
 * row, {@code array<float>} otherwise. A single-output model's column is named {@code prediction} (overridable);
 * a multi-output model's columns are named after its output tensors.
 */
public final class OutputLayout implements Serializable {

    private final String[] columns;
    private final int[] sizes;

    private OutputLayout(String[] columns, int[] sizes) {
        this.columns = columns;
        this.sizes = sizes;
    }

    /**
     * @param names column names, one per model output, or empty for the defaults
     */
    public static OutputLayout of(ModelSignature signature, List<String> names, String defaultSingleName) {
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
        return new OutputLayout(cols, sizes);
    }

    public int columnCount() {
        return columns.length;
    }

    public List<String> columnNames() {
        return List.of(columns);
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
            DataType type = sizes[j] == 1 ? DataTypes.FloatType
                    : DataTypes.createArrayType(DataTypes.FloatType, false);
            fields.add(DataTypes.createStructField(columns[j], type, false));
        }
        return DataTypes.createStructType(fields);
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
            int size = sizes[j];
            values[at + j] = size == 1 ? (Object) outputs[j][r] : Arrays.copyOfRange(outputs[j], r * size,
                    (r + 1) * size);
        }
    }
}
