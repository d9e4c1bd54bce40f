package io.sparkscore.calibration;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Knobs of one calibration run. Defaults keep a run within a few seconds for small models and bounded for big ones.
 *
 * @param batchLadder        candidate batch sizes, ascending (pruned by {@code maxBatchRows})
 * @param maxBatchRows       largest batch the executor's memory budget allows for this model
 * @param maxThreads         largest TensorFlow intra-op thread count to try ({@code spark.task.cpus})
 * @param warmupMillis       time per candidate spent on untimed calls (JIT, TensorFlow's first-run costs)
 * @param candidateMillis    timed budget per candidate; stops earlier once the estimate is stable
 * @param totalMillis        budget for the whole run; later candidates are skipped once spent
 * @param parityTolerance    largest allowed |a - b| / max(1, |b|) between the paths' outputs
 * @param tieTolerance       plans within this fraction of the best throughput count as equal (smaller batch wins)
 */
public record CalibrationSettings(int[] batchLadder, int maxBatchRows, int maxThreads, long warmupMillis,
                                  long candidateMillis, long totalMillis, double parityTolerance,
                                  double tieTolerance) implements Serializable {

    public static final int[] DEFAULT_LADDER = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536};

    public CalibrationSettings {
        batchLadder = batchLadder.clone();
        Arrays.sort(batchLadder);
        if (batchLadder.length == 0 || batchLadder[0] < 1) {
            throw new IllegalArgumentException("batch ladder must hold positive sizes: " + Arrays.toString(batchLadder));
        }
        if (maxThreads < 1) {
            throw new IllegalArgumentException("maxThreads must be at least 1, got " + maxThreads);
        }
    }

    public static CalibrationSettings defaults() {
        return new CalibrationSettings(DEFAULT_LADDER, 65536, 1, 100, 300, 30_000, 1e-5, 0.05);
    }

    public CalibrationSettings withMaxThreads(int threads) {
        return new CalibrationSettings(batchLadder, maxBatchRows, threads, warmupMillis, candidateMillis, totalMillis,
                parityTolerance, tieTolerance);
    }

    public CalibrationSettings withMaxBatchRows(int rows) {
        return new CalibrationSettings(batchLadder, rows, maxThreads, warmupMillis, candidateMillis, totalMillis,
                parityTolerance, tieTolerance);
    }

    public CalibrationSettings withBudget(long warmup, long candidate, long total) {
        return new CalibrationSettings(batchLadder, maxBatchRows, maxThreads, warmup, candidate, total,
                parityTolerance, tieTolerance);
    }

    public CalibrationSettings withLadder(int... ladder) {
        return new CalibrationSettings(ladder, maxBatchRows, maxThreads, warmupMillis, candidateMillis, totalMillis,
                parityTolerance, tieTolerance);
    }

    public CalibrationSettings withParityTolerance(double tolerance) {
        return new CalibrationSettings(batchLadder, maxBatchRows, maxThreads, warmupMillis, candidateMillis,
                totalMillis, tolerance, tieTolerance);
    }
}
