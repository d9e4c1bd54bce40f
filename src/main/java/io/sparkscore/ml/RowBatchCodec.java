package io.sparkscore.ml;

import io.sparkscore.calibration.BatchCodec;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.encoders.ExpressionEncoder;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Calibration's view of sampled Spark rows: encodes and decodes them through the {@link ScoringBatch} of the row
 * format scoring will use ({@link RowBatch.Factory#format()}), the same conversion code scoring runs, so that the
 * measured cost per batch is the real one. For the internal format the sampled rows are turned into Spark's internal
 * rows once, before anything is timed.
 */
final class RowBatchCodec implements BatchCodec {

    private final Sampled<?> sampled;

    RowBatchCodec(List<Row> rows, RowBatch.Factory batches) {
        this.sampled = batches.format() != RowFormat.EXTERNAL
                ? new Sampled<>(internal(rows), batches::createInternal)
                : new Sampled<>(rows, batches::create);
    }

    /** Rows from a Dataset carry their schema; the encoder gives the same internal rows the query would. */
    private static List<InternalRow> internal(List<Row> rows) {
        List<InternalRow> converted = new ArrayList<>(rows.size());
        if (rows.isEmpty()) {
            return converted;
        }
        ExpressionEncoder.Serializer<Row> serializer = ExpressionEncoder.apply(rows.get(0).schema())
                .createSerializer();
        for (Row row : rows) {
            converted.add(serializer.apply(row).copy());
        }
        return converted;
    }

    @Override
    public int rows() {
        return sampled.rows.size();
    }

    @Override
    public void reserve(int capacity) {
        sampled.reserve(capacity);
    }

    @Override
    public float[][] inputs() {
        return sampled.batch.inputs();
    }

    @Override
    public int[][] rowStarts() {
        return sampled.batch.rowStarts();
    }

    @Override
    public float[][] outputs() {
        return sampled.batch.outputs();
    }

    @Override
    public void encode(int batchRows, int offset) {
        sampled.encode(batchRows, offset);
    }

    @Override
    public void decode(int batchRows) {
        sampled.decode(batchRows);
    }

    /** The sampled rows in one format and a batch of that format. */
    private static final class Sampled<I> {

        private final List<I> rows;
        private final IntFunction<? extends ScoringBatch<I, ?>> newBatch;
        private ScoringBatch<I, ?> batch;
        /** Keeps decoded rows reachable so the JIT cannot drop their construction. */
        private Object lastDecoded;

        Sampled(List<I> rows, IntFunction<? extends ScoringBatch<I, ?>> newBatch) {
            this.rows = rows;
            this.newBatch = newBatch;
        }

        void reserve(int capacity) {
            batch = newBatch.apply(capacity);
        }

        void encode(int batchRows, int offset) {
            batch.clear();
            int n = rows.size();
            for (int r = 0; r < batchRows; r++) {
                batch.add(rows.get((offset + r) % n));
            }
        }

        void decode(int batchRows) {
            for (int r = 0; r < batchRows; r++) {
                lastDecoded = batch.output(r);
            }
        }
    }
}
