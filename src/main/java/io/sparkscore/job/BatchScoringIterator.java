package io.sparkscore.job;

import io.sparkscore.runtime.Predictor;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Lazily scores a partition batch by batch: pulls up to one batch of rows, maps them into the reused input buffers,
 * makes one prediction call, then emits the kept columns joined with the predictions.
 *
 * <pre>
 *   rows ──▶ FeatureMapping ──▶ float[][] in ──▶ Predictor ──▶ float[][] out ──▶ rows(kept…, prediction…)
 *        └──── kept column values (copied, Spark may reuse rows) ─────────────────────┘
 * </pre>
 *
 * <p>Only one batch is buffered, so memory stays bounded whatever the partition size. Not thread-safe (one per task).
 */
final class BatchScoringIterator implements Iterator<Row> {

    private final Iterator<Row> input;
    private final Predictor predictor;
    private final FeatureMapping features;
    private final RowKey rowKey;
    private final int[] keepIndexes;
    private final OutputLayout output;
    private final float[][] inputs;
    private final float[][] outputs;
    private final Object[][] kept;
    private final int batch;
    private int filled;
    private int cursor;
    private long rowsScored;

    BatchScoringIterator(Iterator<Row> input, Predictor predictor, FeatureMapping features, RowKey rowKey,
                         int[] keepIndexes, OutputLayout output, int[] inputSizes) {
        this.input = input;
        this.predictor = predictor;
        this.features = features;
        this.rowKey = rowKey;
        this.keepIndexes = keepIndexes;
        this.output = output;
        this.batch = predictor.batchCapacity();
        this.inputs = new float[inputSizes.length][];
        for (int i = 0; i < inputSizes.length; i++) {
            inputs[i] = new float[batch * inputSizes[i]];
        }
        this.outputs = output.allocate(batch);
        this.kept = new Object[batch][keepIndexes.length];
    }

    @Override
    public boolean hasNext() {
        if (cursor < filled) {
            return true;
        }
        refill();
        return filled > 0;
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int r = cursor++;
        Object[] values = Arrays.copyOf(kept[r], keepIndexes.length + output.columnCount());
        output.write(outputs, r, values, keepIndexes.length);
        return RowFactory.create(values);
    }

    private void refill() {
        filled = 0;
        cursor = 0;
        while (filled < batch && input.hasNext()) {
            Row row = input.next();
            features.read(row, inputs, filled, rowKey);
            Object[] k = kept[filled];
            for (int i = 0; i < keepIndexes.length; i++) {
                k[i] = row.get(keepIndexes[i]);
            }
            filled++;
        }
        if (filled > 0) {
            predictor.predict(inputs, filled, outputs);
            rowsScored += filled;
        }
    }

    long rowsScored() {
        return rowsScored;
    }
}
