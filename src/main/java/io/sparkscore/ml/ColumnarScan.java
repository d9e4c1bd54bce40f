package io.sparkscore.ml;

import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

import java.util.List;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;

/**
 * The input's columns as the file reader's own column batches (Parquet's and ORC's vectorized readers), when the
 * input is a plain scan of them: the scorer then reads features straight from the column vectors, with no row
 * projection, no {@code UnsafeRow} and no SQL check stage in between (see {@link RowFormat#COLUMNAR}).
 *
 * <p>Only a scan qualifies: an input with a filter, a sample or a computed column, a row-based source (CSV, JSON) or
 * a schema the vectorized reader does not take is planned as rows, and {@link #of} is empty.
 */
final class ColumnarScan {

    private final RDD<ColumnarBatch> batches;
    private final StructType schema;

    private ColumnarScan(RDD<ColumnarBatch> batches, StructType schema) {
        this.batches = batches;
        this.schema = schema;
    }

    /** The batches of {@code columns} of {@code input}, or empty when the plan does not produce column batches. */
    static Optional<ColumnarScan> of(Dataset<Row> input, List<String> columns) {
        Dataset<Row> projected = input.select(columns.stream().map(c -> col(RowChecks.quote(c)))
                .toArray(Column[]::new));
        SparkPlan plan = projected.queryExecution().executedPlan();
        if (plan instanceof WholeStageCodegenExec stage) {
            plan = stage.child();
        }
        if (!(plan instanceof ColumnarToRowExec toRows)) {
            return Optional.empty();
        }
        plan = toRows.child();
        if (plan instanceof InputAdapter adapter) {
            plan = adapter.child();
        }
        if (!plan.supportsColumnar()) {
            return Optional.empty();
        }
        return Optional.of(new ColumnarScan(plan.executeColumnar(), projected.schema()));
    }

    /** The column batches, lazily: nothing is read until a job computes them. */
    RDD<ColumnarBatch> batches() {
        return batches;
    }

    /** The columns of the batches, in order. */
    StructType schema() {
        return schema;
    }
}
