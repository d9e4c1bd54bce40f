package io.sparkscore.ml;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.Arrays;

/**
 * One batch of rows on its way through the model: the feature values mapped into reusable input buffers, the kept
 * column values copied aside (Spark may reuse row objects), and the output buffers the predictor fills. Scoring and
 * calibration both use it, so calibration times exactly the conversions scoring performs. Not thread-safe.
 */
final class RowBatch {

    /** Everything needed to make batches of any capacity; small, serialisable, travels in task closures. */
    record Factory(FeatureMapping features, RowKey rowKey, int[] keepIndexes, OutputLayout output, int[] inputSizes)
            implements java.io.Serializable {

        RowBatch create(int capacity) {
            return new RowBatch(features, rowKey, keepIndexes, output, inputSizes, capacity);
        }
    }

    private final FeatureMapping features;
    private final RowKey rowKey;
    private final int[] keepIndexes;
    private final OutputLayout output;
    private final float[][] inputs;
    private final float[][] outputs;
    private final Object[][] kept;
    private int size;

    RowBatch(FeatureMapping features, RowKey rowKey, int[] keepIndexes, OutputLayout output, int[] inputSizes,
             int capacity) {
        this.features = features;
        this.rowKey = rowKey;
        this.keepIndexes = keepIndexes;
        this.output = output;
        this.inputs = new float[inputSizes.length][];
        for (int i = 0; i < inputSizes.length; i++) {
            inputs[i] = new float[capacity * inputSizes[i]];
        }
        this.outputs = output.allocate(capacity);
        this.kept = new Object[capacity][keepIndexes.length];
    }

    void clear() {
        size = 0;
    }

    int size() {
        return size;
    }

    /** Maps the row into the next slot; a bad row throws {@link BadRowException} and leaves the batch unchanged. */
    void add(Row row) {
        features.read(row, inputs, size, rowKey);
        Object[] k = kept[size];
        for (int i = 0; i < keepIndexes.length; i++) {
            k[i] = row.get(keepIndexes[i]);
        }
        size++;
    }

    float[][] inputs() {
        return inputs;
    }

    float[][] outputs() {
        return outputs;
    }

    /** The output row for slot {@code r}: kept values, then one value per prediction column. */
    Row outputRow(int r) {
        Object[] values = Arrays.copyOf(kept[r], keepIndexes.length + output.columnCount());
        output.write(outputs, r, values, keepIndexes.length);
        return RowFactory.create(values);
    }
}
