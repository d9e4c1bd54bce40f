package io.sparkscore.ml;

import io.sparkscore.runtime.Predictor;
import org.apache.spark.sql.Row;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Lazily scores a partition batch by batch: pulls up to one batch of rows into a {@link RowBatch}, makes one
 * prediction call, then emits the kept columns joined with the predictions.
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
    private final RowBatch batch;
    private int cursor;
    private long rowsScored;

    BatchScoringIterator(Iterator<Row> input, Predictor predictor, RowBatch batch) {
        this.input = input;
        this.predictor = predictor;
        this.batch = batch;
    }

    @Override
    public boolean hasNext() {
        if (cursor < batch.size()) {
            return true;
        }
        refill();
        return batch.size() > 0;
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return batch.outputRow(cursor++);
    }

    private void refill() {
        batch.clear();
        cursor = 0;
        int capacity = predictor.batchCapacity();
        while (batch.size() < capacity && input.hasNext()) {
            batch.add(input.next());
        }
        if (batch.size() > 0) {
            predictor.predict(batch.inputs(), batch.size(), batch.outputs());
            rowsScored += batch.size();
        }
    }

    long rowsScored() {
        return rowsScored;
    }
}
