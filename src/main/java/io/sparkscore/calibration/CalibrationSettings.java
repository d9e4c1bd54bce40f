package io.sparkscore.calibration;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Knobs of one calibration run. Defaults keep a run within a few seconds for small models and bounded for big ones.
 *
 * @param batchLadder        candidate batch sizes, ascending (pruned by {@code maxBatchRows})
 * @param maxBatchRows       largest batch the executor's memory budget allows for this model
 * @param minThreads         smallest TensorFlow intra-op thread count to try
 * @param maxThreads         largest TensorFlow intra-op thread count to try ({@code spark.task.cpus})
 * @param warmupMillis       time per candidate spent on untimed calls (JIT, TensorFlow's first-run costs)
 * @param candidateMillis    timed budget per candidate; stops earlier once the estimate is stable
 * @param totalMillis        budget for the whole run; later candidates are skipped once spent
 * @param parityTolerance    largest allowed |a - b| / max(1, |b|) between the paths' outputs
 * @param tieTolerance       plans within this fraction of the best throughput count as equal (a plateau's middle wins)
 * @param expectedRows       rows the job will score (0: unknown); the budget is then {@link #MAX_SHARE_OF_JOB} of
 *                           the scoring time the best plan measured so far predicts, within
 *                           [{@link #MIN_BUDGET_MILLIS}, {@code totalMillis}] (see {@link CalibrationBudget})
 * @param slots              task slots that will score in parallel (executors x cores / task cpus), which divide the
 *                           predicted scoring time
 */
public record CalibrationSettings(int[] batchLadder, int maxBatchRows, int minThreads, int maxThreads,
                                  long warmupMillis,
                                  long candidateMillis, long totalMillis, double parityTolerance,
                                  double tieTolerance, long expectedRows, int slots) implements Serializable {

    /** Calibration always gets this much measuring time, so that each path is measured at a few batch sizes. */
    public static final long MIN_BUDGET_MILLIS = 40;
    /** Share of the predicted scoring time calibration may spend measuring. */
    public static final double MAX_SHARE_OF_JOB = 0.03;

    public static final int[] DEFAULT_LADDER = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536};

    public CalibrationSettings {
        batchLadder = batchLadder.clone();
        Arrays.sort(batchLadder);
        if (batchLadder.length == 0 || batchLadder[0] < 1) {
            throw new IllegalArgumentException("batch ladder must hold positive sizes: " + Arrays.toString(batchLadder));
        }
        if (minThreads < 1 || maxThreads < minThreads) {
            throw new IllegalArgumentException("thread range must be 1 <= min <= max, got " + minThreads + ".."
                    + maxThreads);
        }
        if (slots < 1) {
            throw new IllegalArgumentException("task slots must be at least 1, got " + slots);
        }
    }

    public static CalibrationSettings defaults() {
        return new CalibrationSettings(DEFAULT_LADDER, 65536, 1, 1, 100, 300, 30_000, 1e-5, 0.03, 0, 1);
    }

    public CalibrationSettings withThreads(int min, int max) {
        return new CalibrationSettings(batchLadder, maxBatchRows, min, max, warmupMillis, candidateMillis,
                totalMillis, parityTolerance, tieTolerance, expectedRows, slots);
    }

    public CalibrationSettings withMaxBatchRows(int rows) {
        return new CalibrationSettings(batchLadder, rows, minThreads, maxThreads, warmupMillis, candidateMillis, totalMillis,
                parityTolerance, tieTolerance, expectedRows, slots);
    }

    public CalibrationSettings withBudget(long warmup, long candidate, long total) {
        return new CalibrationSettings(batchLadder, maxBatchRows, minThreads, maxThreads, warmup, candidate, total,
                parityTolerance, tieTolerance, expectedRows, slots);
    }

    public CalibrationSettings withLadder(int... ladder) {
        return new CalibrationSettings(ladder, maxBatchRows, minThreads, maxThreads, warmupMillis, candidateMillis, totalMillis,
                parityTolerance, tieTolerance, expectedRows, slots);
    }

    /** With the job's size: {@code rows} to score on {@code slots} parallel task slots. */
    public CalibrationSettings withJob(long rows, int slots) {
        return new CalibrationSettings(batchLadder, maxBatchRows, minThreads, maxThreads, warmupMillis,
                candidateMillis, totalMillis, parityTolerance, tieTolerance, rows, slots);
    }

    public CalibrationSettings withParityTolerance(double tolerance) {
        return new CalibrationSettings(batchLadder, maxBatchRows, minThreads, maxThreads, warmupMillis, candidateMillis,
                totalMillis, tolerance, tieTolerance, expectedRows, slots);
    }
}
