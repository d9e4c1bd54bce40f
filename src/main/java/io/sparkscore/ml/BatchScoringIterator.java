package io.sparkscore.ml;

import io.sparkscore.runtime.Predictor;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Lazily scores a partition batch by batch: pulls up to one batch of rows into a {@link ScoringBatch}, makes one
 * prediction call, then emits the kept columns joined with the predictions. The same loop serves both row formats.
 *
 * <pre>
 *   rows ──▶ FeatureMapping ──▶ float[][] in ──▶ Predictor ──▶ float[][] out ──▶ rows(kept…, prediction…)
 *        └──── kept column values (copied, Spark may reuse rows) ─────────────────────┘
 * </pre>
 *
 * <p>Only one batch is buffered, so memory stays bounded whatever the partition size. Not thread-safe (one per task).
 */
final class BatchScoringIterator<I, O> implements Iterator<O> {

    private final BadRowFilter<I> input;
    private final Predictor predictor;
    private final ScoringBatch<I, O> batch;
    private int cursor;
    private long rowsScored;

    BatchScoringIterator(BadRowFilter<I> input, Predictor predictor, ScoringBatch<I, O> batch) {
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
    public O next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return batch.output(cursor++);
    }

    private void refill() {
        batch.clear();
        cursor = 0;
        int capacity = predictor.batchCapacity();
        while (batch.size() < capacity && input.hasNext()) {
            I row = input.next();
            try {
                batch.add(row);
            } catch (BadRowException e) {
                if (!input.badOnRead(row)) {
                    throw e;
                }
            }
        }
        if (batch.size() > 0) {
            predictor.predict(batch.inputs(), batch.rowStarts(), batch.size(), batch.outputs());
            rowsScored += batch.size();
        }
    }

    long rowsScored() {
        return rowsScored;
    }
}
