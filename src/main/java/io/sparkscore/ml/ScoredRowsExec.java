package io.sparkscore.ml;

import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.execution.SparkPlan;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * The physical scan of scored {@code UnsafeRow}s ({@link ScoredRowsScan}): returns the scoring RDD as it is, where
 * Spark's {@code RDDScanExec} would copy each row through a projection in a whole-stage-codegen stage. A leaf with
 * no code generation; parents that generate code read it through an input adapter, as any such scan.
 *
 * <p>Public, with its constructor taking exactly its product elements, because Spark copies plan nodes by
 * reflection ({@code makeCopy}, e.g. when it canonicalises a plan). The {@code number of output rows} metric is not
 * kept; the run summary counts the rows.
 */
public final class ScoredRowsExec extends SparkPlan {

    private final Seq<Attribute> output;
    private final transient RDD<InternalRow> rows;

    public ScoredRowsExec(Seq<Attribute> output, RDD<InternalRow> rows) {
        this.output = output;
        this.rows = rows;
    }

    @Override
    public Seq<Attribute> output() {
        return output;
    }

    @Override
    public Seq<SparkPlan> children() {
        return scala.collection.immutable.List$.MODULE$.empty();
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> children) {
        return this;
    }

    @Override
    public RDD<InternalRow> doExecute() {
        return rows;
    }

    @Override
    public String nodeName() {
        return "Scan sparkscore scored rows";
    }

    @Override
    public int productArity() {
        return 2;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> output;
            case 1 -> rows;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public boolean canEqual(Object other) {
        return other instanceof ScoredRowsExec;
    }
}
