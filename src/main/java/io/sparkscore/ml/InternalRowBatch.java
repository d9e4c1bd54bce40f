package io.sparkscore.ml;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.types.StructField;

/**
 * A batch of Spark's internal rows, as the query's own operators pass them: features are read straight from the
 * (reused) input rows into the input buffers, the kept columns are copied into one mutable output row per slot, and
 * the predictions are written into those rows in place. No external {@code Row} is built either way, and the output
 * rows are reused from batch to batch — Spark copies a row before it keeps one. Not thread-safe.
 */
final class InternalRowBatch extends ScoringBatch<InternalRow, InternalRow> {

    private final FeatureMapping features;
    private final RowKey rowKey;
    private final int[] keepIndexes;
    private final OutputLayout output;
    private final InternalValues.Copier[] copiers;
    private final SpecificInternalRow[] slots;
    private final FeatureValues.OfInternalRow values = new FeatureValues.OfInternalRow();

    InternalRowBatch(RowBatch.Factory f, int capacity) {
        super(f.inputSizes(), f.features().sequences(), f.output(), capacity);
        this.features = f.features();
        this.rowKey = f.rowKey();
        this.keepIndexes = f.keepIndexes();
        this.output = f.output();
        StructField[] kept = f.keptFields().fields();
        this.copiers = new InternalValues.Copier[kept.length];
        for (int i = 0; i < kept.length; i++) {
            copiers[i] = InternalValues.copier(kept[i].dataType());
        }
        var outSchema = f.output().schema(f.keptFields());
        this.slots = new SpecificInternalRow[capacity];
        for (int r = 0; r < capacity; r++) {
            slots[r] = new SpecificInternalRow(outSchema);
        }
    }

    @Override
    void fill(InternalRow row, int slot) {
        features.read(values.of(row), inputs(), rowStarts(), slot, rowKey);
        SpecificInternalRow out = slots[slot];
        for (int i = 0; i < keepIndexes.length; i++) {
            copiers[i].copy(row, keepIndexes[i], out, i);
        }
    }

    @Override
    InternalRow output(int r) {
        output.write(outputs(), r, slots[r], keepIndexes.length);
        return slots[r];
    }
}
