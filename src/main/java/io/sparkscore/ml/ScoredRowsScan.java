package io.sparkscore.ml;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.sql.execution.RDDScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

import java.util.List;

/**
 * Hands scored {@code UnsafeRow}s to the writer as they are. A Dataset over an {@code RDD[InternalRow]} is planned as
 * Spark's {@link RDDScanExec}, which copies every row through an {@code UnsafeProjection} inside a whole-stage-codegen
 * stage, because it cannot know the rows are unsafe already; for the tiny model that copy cost more than the model.
 * Here the RDD is marked by name, and a planner strategy registered on the session plans it as {@link ScoredRowsExec}:
 * the same scan, without the codegen stage and the copy.
 *
 * <p>Only for RDDs whose every row is an {@code UnsafeRow} of the given schema (consumers such as a sort rely on it),
 * that is {@link ColumnBatchScoringIterator}'s.
 */
final class ScoredRowsScan {

    /** The RDD name that marks scored unsafe rows; it also shows in Spark's UI. */
    static final String RDD_NAME = "sparkscore scored UnsafeRows";

    private ScoredRowsScan() {
    }

    /** The rows as a Dataset whose physical plan reads them without a copy. */
    static Dataset<Row> of(SparkSession spark, JavaRDD<InternalRow> unsafeRows, StructType schema) {
        register(spark);
        unsafeRows.setName(RDD_NAME);
        return spark.internalCreateDataFrame(unsafeRows.rdd(), schema, false);
    }

    private static synchronized void register(SparkSession spark) {
        Seq<SparkStrategy> current = spark.experimental().extraStrategies();
        List<SparkStrategy> strategies = new java.util.ArrayList<>(CollectionConverters.asJava(current));
        if (strategies.stream().noneMatch(s -> s instanceof Strategy)) {
            strategies.add(new Strategy());
            spark.experimental().extraStrategies_$eq(CollectionConverters.asScala(strategies).toList());
        }
    }

    /** Plans a marked {@link LogicalRDD} as {@link ScoredRowsExec}; every other plan is left to Spark's own strategies. */
    static final class Strategy extends SparkStrategy {

        @Override
        public Seq<SparkPlan> apply(LogicalPlan plan) {
            if (plan instanceof LogicalRDD rows && RDD_NAME.equals(rows.rdd().name())) {
                SparkPlan scan = new ScoredRowsExec(rows.output(), rows.rdd());
                return CollectionConverters.asScala(List.of(scan)).toList();
            }
            return scala.collection.immutable.List$.MODULE$.empty();
        }
    }
}
