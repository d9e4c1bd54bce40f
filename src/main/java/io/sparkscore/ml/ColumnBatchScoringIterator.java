package io.sparkscore.ml;

import io.sparkscore.runtime.Predictor;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.vectorized.ColumnarBatch;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * Scores a partition of column batches run by run: up to one predictor batch of rows is read column by column into
 * the input buffers ({@link ColumnVectorReads}), predicted in one call, and emitted as {@code UnsafeRow}s written
 * straight from the vectors and the output buffers. The batch-at-a-time counterpart of {@link BadRowFilter} +
 * {@link BatchScoringIterator} + {@link InternalRowBatch}, with the same counts and verdicts:
 *
 * <pre>
 *  ColumnarBatch ─▶ per column: vector ─▶ float[] (tight loop, flags nulls and refused values)
 *        flagged rows ─▶ FeatureMapping on the row view: good after all, or bad by RowVerdict's code (dropped)
 *        ─▶ Predictor ─▶ UnsafeRowWriter: kept values from the vectors, predictions from the buffers
 * </pre>
 *
 * The emitted row is reused: each is valid until the next {@link #next()}, as Spark's operators pass rows. The batch
 * stays open until all its rows are emitted, as the reader reuses it for the next one. Not thread-safe (one per task).
 */
final class ColumnBatchScoringIterator implements Iterator<InternalRow> {

    private final Iterator<ColumnarBatch> batches;
    private final Predictor predictor;
    private final ColumnVectorReads reads;
    private final FeatureMapping features;
    private final RowKey rowKey;
    private final RowVerdict verdict;
    private final float[][] inputs;
    private final float[][] outputs;
    private final boolean[] suspect;
    /** For each scored slot, its row in the batch (used when bad rows were dropped from the run). */
    private final int[] rowOfSlot;
    private final UnsafeRowWriter writer;
    private final OutputLayout.UnsafeFields predictions;
    private final FeatureValues.OfInternalRow rowView = new FeatureValues.OfInternalRow();
    private final Map<String, Long> badByCode = new TreeMap<>();

    private ColumnarBatch batch;
    private int nextRow;
    private int runStart;
    private boolean dropped;
    private int size;
    private int cursor;
    private long rowsSeen;
    private long rowsScored;

    ColumnBatchScoringIterator(Iterator<ColumnarBatch> batches, Predictor predictor, ColumnVectorReads reads,
                               RowBatch.Factory factory, RowVerdict verdict) {
        this.batches = batches;
        this.predictor = predictor;
        this.reads = reads;
        this.features = factory.features();
        this.rowKey = factory.rowKey();
        this.verdict = verdict;
        int capacity = predictor.batchCapacity();
        int[] inputSizes = factory.inputSizes();
        this.inputs = new float[inputSizes.length][];
        for (int i = 0; i < inputSizes.length; i++) {
            inputs[i] = new float[capacity * inputSizes[i]];
        }
        this.outputs = factory.output().allocate(capacity);
        this.suspect = new boolean[capacity];
        this.rowOfSlot = new int[capacity];
        this.writer = new UnsafeRowWriter(reads.keptCount() + factory.output().columnCount());
        this.predictions = factory.output().unsafeFields(writer, reads.keptCount());
    }

    @Override
    public boolean hasNext() {
        while (cursor >= size) {
            if (!refill()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public InternalRow next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int slot = cursor++;
        writer.reset();
        writer.zeroOutNullBytes();
        reads.writeKept(batch, dropped ? rowOfSlot[slot] : runStart + slot, writer);
        predictions.write(outputs, slot);
        return writer.getRow();
    }

    /** Reads and scores the next run of rows; false when the partition is done. */
    private boolean refill() {
        size = 0;
        cursor = 0;
        while (batch == null || nextRow >= batch.numRows()) {
            if (!batches.hasNext()) {
                return false;
            }
            batch = batches.next();
            nextRow = 0;
        }
        runStart = nextRow;
        int count = Math.min(predictor.batchCapacity(), batch.numRows() - runStart);
        nextRow += count;
        rowsSeen += count;
        dropped = false;
        size = reads.readFeatures(batch, runStart, count, inputs, suspect) ? settleFlagged(count) : count;
        if (size > 0) {
            predictor.predict(inputs, size, outputs);
            rowsScored += size;
        }
        return true;
    }

    /**
     * Judges the flagged rows of the run as the row path does: {@link FeatureMapping} reads the row again (a row it
     * accepts stays, its values rewritten in place); a row it refuses is bad with {@link RowVerdict}'s reason code,
     * or, when the verdict calls it good, an error raised with the mapping's message. Bad rows are dropped and the
     * later slots moved up. Returns the slots left.
     */
    private int settleFlagged(int count) {
        int kept = 0;
        for (int k = 0; k < count; k++) {
            if (suspect[k]) {
                suspect[k] = false;
                InternalRow row = batch.getRow(runStart + k);
                try {
                    features.read(rowView.of(row), inputs, k, rowKey);
                } catch (BadRowException e) {
                    String code = verdict.reasonCode(row);
                    if (code == null) {
                        throw e;
                    }
                    badByCode.merge(code, 1L, Long::sum);
                    dropped = true;
                    continue;
                }
            }
            if (kept != k) {
                moveSlot(k, kept);
            }
            rowOfSlot[kept++] = runStart + k;
        }
        return kept;
    }

    private void moveSlot(int from, int to) {
        for (float[] buffer : inputs) {
            int width = buffer.length / suspect.length;
            System.arraycopy(buffer, from * width, buffer, to * width, width);
        }
    }

    /** Every row the task read, good or bad. */
    long rowsSeen() {
        return rowsSeen;
    }

    long rowsScored() {
        return rowsScored;
    }

    Map<String, Long> badByCode() {
        return badByCode;
    }
}
