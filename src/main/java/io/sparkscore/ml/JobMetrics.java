package io.sparkscore.ml;

import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

import java.io.Serializable;

/**
 * Driver-registered accumulators that executors report into: rows read, rows scored, bad rows met by reason code, and one line
 * per finished scoring task (executor, host, partition, attempt, rows, model builds in that JVM). Travels in task
 * closures; only successful task attempts report, so retries are not counted twice.
 */
public final class JobMetrics implements Serializable {

    private final LongAccumulator rowsIn;
    private final LongAccumulator rowsScored;
    private final CollectionAccumulator<String> tasks;
    private final CollectionAccumulator<String> badRows;

    private JobMetrics(LongAccumulator rowsIn, LongAccumulator rowsScored, CollectionAccumulator<String> tasks,
                       CollectionAccumulator<String> badRows) {
        this.rowsIn = rowsIn;
        this.rowsScored = rowsScored;
        this.tasks = tasks;
        this.badRows = badRows;
    }

    public static JobMetrics register(SparkContext sc) {
        return new JobMetrics(sc.longAccumulator("sparkscore.rowsIn"), sc.longAccumulator("sparkscore.rowsScored"),
                sc.collectionAccumulator("sparkscore.tasks"), sc.collectionAccumulator("sparkscore.badRows"));
    }

    /** Per finished task and reason code: {@code "<code> <count>"}. */
    public CollectionAccumulator<String> badRows() {
        return badRows;
    }

    /** The bad rows all successful tasks met, by reason code. */
    public java.util.Map<String, Long> badRowsByCode() {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        for (String line : badRows.value()) {
            int space = line.lastIndexOf(' ');
            counts.merge(line.substring(0, space), Long.parseLong(line.substring(space + 1)), Long::sum);
        }
        return counts;
    }

    /** Rows the scoring tasks read, good and bad. */
    public LongAccumulator rowsIn() {
        return rowsIn;
    }

    public LongAccumulator rowsScored() {
        return rowsScored;
    }

    public CollectionAccumulator<String> tasks() {
        return tasks;
    }
}
