package io.sparkscore.ml;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;

/**
 * A batch of external {@link Row}s: the kept column values are copied aside (Spark may reuse row objects) and each
 * output is a new {@code Row}. Not thread-safe.
 */
final class RowBatch extends ScoringBatch<Row, Row> {

    /**
     * Everything needed to make batches of any capacity, in either row format; small, serialisable, travels in task
     * closures.
     *
     * @param keptFields the kept columns' fields, in {@code keepIndexes} order
     * @param format     the row format scoring reads, so that calibration times the same conversions
     */
    record Factory(FeatureMapping features, RowKey rowKey, int[] keepIndexes, StructType keptFields,
                   OutputLayout output, int[] inputSizes, RowFormat format) implements java.io.Serializable {

        RowBatch create(int capacity) {
            return new RowBatch(this, capacity);
        }

        InternalRowBatch createInternal(int capacity) {
            return new InternalRowBatch(this, capacity);
        }
    }

    private final FeatureMapping features;
    private final RowKey rowKey;
    private final int[] keepIndexes;
    private final OutputLayout output;
    private final Object[][] kept;
    private final FeatureValues.OfRow values = new FeatureValues.OfRow();

    private RowBatch(Factory f, int capacity) {
        super(f.inputSizes(), f.features().sequences(), f.output(), capacity);
        this.features = f.features();
        this.rowKey = f.rowKey();
        this.keepIndexes = f.keepIndexes();
        this.output = f.output();
        this.kept = new Object[capacity][keepIndexes.length];
    }

    @Override
    void fill(Row row, int slot) {
        features.read(values.of(row), inputs(), rowStarts(), slot, rowKey);
        Object[] k = kept[slot];
        for (int i = 0; i < keepIndexes.length; i++) {
            k[i] = row.get(keepIndexes[i]);
        }
    }

    @Override
    Row output(int r) {
        Object[] values = Arrays.copyOf(kept[r], keepIndexes.length + output.columnCount());
        output.write(outputs(), r, values, keepIndexes.length);
        return RowFactory.create(values);
    }
}
