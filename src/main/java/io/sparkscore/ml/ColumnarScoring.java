package io.sparkscore.ml;

import io.sparkscore.calibration.Plan;
import io.sparkscore.runtime.ModelSignature;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The scoring pass of {@link RowFormat#COLUMNAR}: the reader's column batches go straight to {@link PartitionScorer},
 * which checks rows in Java ({@link RowVerdict}) while it reads the features, so the input is not turned into
 * rows, checked by a SQL projection and copied into {@code UnsafeRow}s first.
 *
 * <pre>
 *  Parquet/ORC vectorized reader ─▶ ColumnarBatch ─▶ mapPartitions: floats column by column (ColumnVectorReads)
 *        ─▶ Predictor ─▶ UnsafeRows ─▶ ScoredRowsExec ─▶ write
 *  (a variable-length sequence, a decimal feature, a decimal or nested kept column:
 *   a row view per row ─▶ mutable rows ─▶ RDDScanExec)
 * </pre>
 *
 * Resolved on the driver against the scan's own columns, with the same feature mapping, key and output layout rules
 * as the checked path, so both give the same rows and counts. Driver-side only.
 */
final class ColumnarScoring {

    private static final Logger LOG = LoggerFactory.getLogger(ColumnarScoring.class);

    private final ColumnarScan scan;
    private final RowBatch.Factory batches;
    private final RowVerdict verdict;
    /** Column-by-column reads, where every feature and kept column allows them; else a row view per row. */
    private final Optional<ColumnVectorReads> vectorReads;

    private ColumnarScoring(ColumnarScan scan, RowBatch.Factory batches, RowVerdict verdict,
                            Optional<ColumnVectorReads> vectorReads) {
        this.scan = scan;
        this.batches = batches;
        this.verdict = verdict;
        this.vectorReads = vectorReads;
    }

    /**
     * Column-batch scoring for {@code input}, or empty (with the reason logged) when the input is not a plain
     * columnar scan or a feature column needs {@link RowChecks}' conversions.
     *
     * @param checked the checked path's factory: its mapping rules, output layout and input sizes are reused
     */
    static Optional<ColumnarScoring> of(Dataset<Row> input, List<String> keep, List<InputBinding> bindings,
                                        ModelSignature signature, RowBatch.Factory checked, boolean allowNaN) {
        Set<String> columns = new LinkedHashSet<>(keep);
        columns.addAll(FeatureMapping.columnsOf(bindings));
        Optional<ColumnarScan> scan = ColumnarScan.of(input, List.copyOf(columns));
        if (scan.isEmpty()) {
            LOG.info("Scoring reads rows: the input is not a plain Parquet/ORC scan that gives column batches");
            return Optional.empty();
        }
        StructType schema = scan.get().schema();
        Optional<RowVerdict> verdict = RowVerdict.of(schema, bindings, checked.inputSizes(), allowNaN,
                checked.features().sequences());
        if (verdict.isEmpty()) {
            LOG.info("Scoring reads rows: a feature column needs converting (text or ML vector) before scoring");
            return Optional.empty();
        }
        int[] keepIndexes = keep.stream().mapToInt(schema::fieldIndex).toArray();
        StructField[] kept = new StructField[keepIndexes.length];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = schema.fields()[keepIndexes[i]];
        }
        StructType keptFields = new StructType(kept);
        FeatureMapping mapping = FeatureMapping.resolve(schema, bindings, signature,
                signature.inputNames().stream().map(io.sparkscore.model.categorical.InputEncodings.Encoding::number)
                        .toList(), allowNaN, checked.features().sequences());
        RowBatch.Factory batches = new RowBatch.Factory(mapping, new RowKey(keepIndexes, keptFields), keepIndexes,
                keptFields, checked.output(), checked.inputSizes(), RowFormat.COLUMNAR);
        // rows of varying sequence length need their own offsets into the buffers, which only the row view gives
        Optional<ColumnVectorReads> reads = checked.features().sequences().any() ? Optional.empty()
                : ColumnVectorReads.of(schema, bindings, checked.inputSizes(), keepIndexes, allowNaN);
        if (reads.isEmpty()) {
            LOG.info("Column batches are read row by row: a sequence of varying length, a decimal feature, or a"
                    + " decimal or nested kept column");
        }
        return Optional.of(new ColumnarScoring(scan.get(), batches, verdict.get(), reads));
    }

    /** Whether the batches are read column by column ({@link ColumnVectorReads}) rather than row by row. */
    boolean readsColumnByColumn() {
        return vectorReads.isPresent();
    }

    /** The scored rows in {@code outSchema} (kept columns, then predictions), lazily. */
    Dataset<Row> score(SparkSession spark, ModelSource model, String modelHash, Plan plan, JobMetrics metrics,
                       FaultInjection faults, StructType outSchema) {
        PartitionScorer scorer = new PartitionScorer(model, modelHash, plan, batches, -1, metrics, faults);
        org.apache.spark.sql.classic.SparkSession classic = (org.apache.spark.sql.classic.SparkSession) spark;
        if (vectorReads.isPresent()) {
            return ScoredRowsScan.of(classic, scan.batches().toJavaRDD().mapPartitions(
                    scorer.onColumnVectors(vectorReads.get(), verdict)), outSchema);
        }
        JavaRDD<InternalRow> scored = scan.batches().toJavaRDD().mapPartitions(scorer.onColumnarBatches(verdict));
        return classic.internalCreateDataFrame(scored.rdd(), outSchema, false);
    }
}
