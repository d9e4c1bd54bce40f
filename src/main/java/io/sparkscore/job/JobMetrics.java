package io.sparkscore.job;

import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

import java.io.Serializable;

/**
 * Driver-registered accumulators that executors report into: rows scored, and one line per finished scoring task
 * (executor, host, partition, attempt, rows, model builds in that JVM). Travels in task closures.
 */
public final class JobMetrics implements Serializable {

    private final LongAccumulator rowsScored;
    private final CollectionAccumulator<String> tasks;

    private JobMetrics(LongAccumulator rowsScored, CollectionAccumulator<String> tasks) {
        this.rowsScored = rowsScored;
        this.tasks = tasks;
    }

    public static JobMetrics register(SparkContext sc) {
        return new JobMetrics(sc.longAccumulator("sparkscore.rowsScored"),
                sc.collectionAccumulator("sparkscore.tasks"));
    }

    public LongAccumulator rowsScored() {
        return rowsScored;
    }

    public CollectionAccumulator<String> tasks() {
        return tasks;
    }
}
