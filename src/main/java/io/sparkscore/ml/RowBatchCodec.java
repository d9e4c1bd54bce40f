package io.sparkscore.ml;

import io.sparkscore.calibration.BatchCodec;
import org.apache.spark.sql.Row;

import java.util.List;

/**
 * Calibration's view of sampled Spark rows: encodes and decodes them through a {@link RowBatch}, the same conversion
 * code scoring runs, so that the measured cost per batch is the real one.
 */
final class RowBatchCodec implements BatchCodec {

    private final List<Row> rows;
    private final RowBatch.Factory batches;
    private RowBatch batch;
    /** Keeps decoded rows observable so the JIT cannot drop their construction. */
    private long decodedFields;

    RowBatchCodec(List<Row> rows, RowBatch.Factory batches) {
        this.rows = rows;
        this.batches = batches;
    }

    @Override
    public int rows() {
        return rows.size();
    }

    @Override
    public void reserve(int capacity) {
        batch = batches.create(capacity);
    }

    @Override
    public float[][] inputs() {
        return batch.inputs();
    }

    @Override
    public float[][] outputs() {
        return batch.outputs();
    }

    @Override
    public void encode(int batchRows, int offset) {
        batch.clear();
        int n = rows.size();
        for (int r = 0; r < batchRows; r++) {
            batch.add(rows.get((offset + r) % n));
        }
    }

    @Override
    public void decode(int batchRows) {
        for (int r = 0; r < batchRows; r++) {
            decodedFields += batch.outputRow(r).size();
        }
    }
}
