package io.sparkscore.ml;

import org.apache.spark.TaskContext;
import org.apache.spark.sql.RuntimeConfig;

import java.io.Serializable;
import java.util.Iterator;

/**
 * Chaos testing: with {@code spark.sparkscore.faultInjection.failFirstAttemptOfPartition=N}, the first attempt of the
 * scoring task for partition {@code N} fails after emitting its first row, mid-write; with
 * {@code spark.sparkscore.faultInjection.failEveryAttemptOfPartition=N} every attempt does, so the job fails. Used to
 * prove that a failed attempt leaves no partial output, that Spark's retry yields exact counts, and that a failed run
 * commits nothing. Off unless a key is set.
 */
public record FaultInjection(int partition, boolean everyAttempt) implements Serializable {

    public static final String KEY = "spark.sparkscore.faultInjection.failFirstAttemptOfPartition";
    public static final String EVERY_ATTEMPT_KEY = "spark.sparkscore.faultInjection.failEveryAttemptOfPartition";

    static FaultInjection from(RuntimeConfig conf) {
        int every = Integer.parseInt(conf.get(EVERY_ATTEMPT_KEY, "-1"));
        return every >= 0 ? new FaultInjection(every, true)
                : new FaultInjection(Integer.parseInt(conf.get(KEY, "-1")), false);
    }

    <R> Iterator<R> wrap(Iterator<R> rows, TaskContext task) {
        if (task.partitionId() != partition || task.attemptNumber() > 0 && !everyAttempt) {
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
                    throw new IllegalStateException("fault injected by " + (everyAttempt ? EVERY_ATTEMPT_KEY : KEY)
                            + " in partition " + partition + ", attempt " + task.attemptNumber());
                }
                return rows.next();
            }
        };
    }
}
