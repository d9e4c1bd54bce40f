package io.sparkscore.ml;

import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.TaskContext;

import java.io.Serializable;
import java.util.Iterator;

/**
 * Chaos testing: with {@code spark.sparkscore.faultInjection.failFirstAttemptOfPartition=N}, the first attempt of the
 * scoring task for partition {@code N} fails after emitting its first row, mid-write. Used to prove that a failed
 * attempt leaves no partial output and that Spark's retry yields exact counts. Off unless the key is set.
 */
public record FaultInjection(int partition) implements Serializable {

    public static final String KEY = "spark.sparkscore.faultInjection.failFirstAttemptOfPartition";

    static FaultInjection from(RuntimeConfig conf) {
        return new FaultInjection(Integer.parseInt(conf.get(KEY, "-1")));
    }

    <R> Iterator<R> wrap(Iterator<R> rows, TaskContext task) {
        if (task.partitionId() != partition || task.attemptNumber() > 0) {
            return rows;
        }
        return new Iterator<>() {
            private int emitted;

            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public R next() {
                if (emitted++ == 1) {
                    throw new IllegalStateException("fault injected by " + KEY + " in partition " + partition
                            + ", attempt 0");
                }
                return rows.next();
            }
        };
    }
}
