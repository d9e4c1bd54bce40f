package io.sparkscore.ml;

import io.sparkscore.calibration.Plan;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.Predictor;
import io.sparkscore.runtime.RuntimeOptions;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The executor side of scoring, one instance per task: takes the JVM's cached model for the plan, opens a predictor
 * for the plan's batch size and scores the partition lazily through {@link BatchScoringIterator}. The predictor is
 * closed by a task-completion listener, so it is released even when the output iterator is not drained (failures,
 * limits, empty partitions). It scores external {@link Row}s as a {@code MapPartitionsFunction}, or Spark's internal
 * rows through {@link #onInternalRows()} (see {@link RowFormat}); the loop, the checks and the counts are the same.
 *
 * <p>The closure holds only the broadcast handle, the model hash and small resolved config.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionScorer.class);

    private final ModelSource model;
    private final String modelHash;
    private final Plan plan;
    private final RowBatch.Factory batches;
    private final int reasonCodeIndex;
    private final JobMetrics metrics;
    private final FaultInjection faults;

    /**
     * @param reasonCodeIndex where checked rows carry {@link RowChecks#REASON_CODE} (unused for column batches,
     *                        which are checked as they are read); bad rows are counted, not scored
     */
    PartitionScorer(ModelSource model, String modelHash, Plan plan, RowBatch.Factory batches, int reasonCodeIndex,
                    JobMetrics metrics, FaultInjection faults) {
        this.reasonCodeIndex = reasonCodeIndex;
        this.faults = faults;
        this.model = model;
        this.modelHash = modelHash;
        this.plan = plan;
        this.batches = batches;
        this.metrics = metrics;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return score(rows, r -> r.isNullAt(reasonCodeIndex) ? null : r.getString(reasonCodeIndex), r -> null,
                batches::create);
    }

    /** This scorer over Spark's internal rows, which it reads and writes without building external rows. */
    FlatMapFunction<Iterator<InternalRow>, InternalRow> onInternalRows() {
        return rows -> score(rows, r -> r.isNullAt(reasonCodeIndex) ? null
                : r.getUTF8String(reasonCodeIndex).toString(), r -> null, batches::createInternal);
    }

    /**
     * This scorer over the reader's column batches ({@link RowFormat#COLUMNAR}): rows arrive unchecked, reading a
     * row's features checks them as it goes, and {@code verdict} gives a row that fails its reason code.
     */
    FlatMapFunction<Iterator<ColumnarBatch>, InternalRow> onColumnarBatches(RowVerdict verdict) {
        return columnBatches -> score(new ColumnarRows(columnBatches), r -> null, verdict::reasonCode,
                batches::createInternal);
    }

    /**
     * This scorer over the reader's column batches read column by column ({@link ColumnBatchScoringIterator}): the
     * same checks and counts as {@link #onColumnarBatches}, without a row view per row, emitting {@code UnsafeRow}s.
     */
    FlatMapFunction<Iterator<ColumnarBatch>, InternalRow> onColumnVectors(ColumnVectorReads reads,
                                                                         RowVerdict verdict) {
        return columnBatches -> {
            TaskContext task = TaskContext.get();
            if (!columnBatches.hasNext()) {
                report(task, 0);
                return Collections.emptyIterator();
            }
            Predictor predictor = openPredictor(task);
            ColumnBatchScoringIterator scoring = new ColumnBatchScoringIterator(columnBatches, predictor, reads,
                    batches, verdict);
            onCompletion(task, predictor, scoring::rowsSeen, scoring::rowsScored, scoring::badByCode);
            return faults.wrap(scoring, task);
        };
    }

    /** The rows of consecutive column batches, each a reused view of the current batch. */
    private static final class ColumnarRows implements Iterator<InternalRow> {

        private final Iterator<ColumnarBatch> batches;
        private Iterator<InternalRow> rows = Collections.emptyIterator();

        ColumnarRows(Iterator<ColumnarBatch> batches) {
            this.batches = batches;
        }

        @Override
        public boolean hasNext() {
            while (!rows.hasNext() && batches.hasNext()) {
                rows = batches.next().rowIterator();
            }
            return rows.hasNext();
        }

        @Override
        public InternalRow next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            return rows.next();
        }
    }

    private <I, O> Iterator<O> score(Iterator<I> rows, BadRowFilter.ReasonCode<I> reasonCode,
                                     BadRowFilter.ReasonCode<I> onReadFailure,
                                     IntFunction<ScoringBatch<I, O>> newBatch) {
        TaskContext task = TaskContext.get();
        if (!rows.hasNext()) {
            report(task, 0);
            return Collections.emptyIterator();
        }
        Predictor predictor = openPredictor(task);
        BadRowFilter<I> good = new BadRowFilter<>(rows, reasonCode, onReadFailure);
        BatchScoringIterator<I, O> scoring = new BatchScoringIterator<>(good, predictor,
                newBatch.apply(plan.batchSize()));
        onCompletion(task, predictor, good::rowsSeen, scoring::rowsScored, good::badByCode);
        return faults.wrap(scoring, task);
    }

    /** Holds the model for the task (let go when it completes, even if no predictor can be made) and opens one. */
    private Predictor openPredictor(TaskContext task) {
        RuntimeOptions resources = TaskResources.forTask(task, plan.path(), plan.intraOpThreads());
        LoadedModel loaded = ModelCache.acquire(modelHash, model::spec, plan.path(), resources);
        task.addTaskCompletionListener(ctx -> {
            ModelCache.letGo(modelHash, plan.path(), resources);
        });
        LOG.info("Scoring partition {} (task attempt {}) with {}", task.partitionId(), task.taskAttemptId(), plan);
        return loaded.newPredictor(plan.batchSize());
    }

    /** Closes the predictor when the task ends and, when it succeeded, adds its counts to the job's metrics. */
    private void onCompletion(TaskContext task, Predictor predictor, LongSupplier rowsSeen, LongSupplier rowsScored,
                              Supplier<Map<String, Long>> badByCode) {
        task.addTaskCompletionListener(ctx -> {
            predictor.close();
            if (!ctx.isFailed() && !ctx.isInterrupted()) {
                metrics.rowsIn().add(rowsSeen.getAsLong());
                metrics.rowsScored().add(rowsScored.getAsLong());
                badByCode.get().forEach((code, n) -> metrics.badRows().add(code + " " + n));
                report(ctx, rowsScored.getAsLong());
            }
        });
    }

    private void report(TaskContext task, long rows) {
        SparkEnv env = SparkEnv.get();
        String executor = env == null ? "driver" : env.executorId();
        String host = env == null ? "localhost" : env.blockManager().blockManagerId().host();
        metrics.tasks().add(new TaskReport(executor, host, ProcessHandle.current().pid(), task.partitionId(),
                task.attemptNumber(), rows, ModelCache.buildCount()).toLine());
    }
}
