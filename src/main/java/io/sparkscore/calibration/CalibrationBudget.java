package io.sparkscore.calibration;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * How much time one calibration run may spend measuring: {@link CalibrationSettings#MAX_SHARE_OF_JOB} of the scoring
 * time that the best plan measured so far predicts for the job (its rows over its task slots, at the mean rate the
 * job would see on this machine now), never less than
 * {@link CalibrationSettings#MIN_BUDGET_MILLIS} and never more than the configured total; the total when the job's
 * size is unknown. The share is re-evaluated as measurements come in, so a model whose calls cost microseconds gets a
 * budget of a fraction of a second. Model builds and the parity check are excused from the share: whether a build
 * may happen is decided by its own rule ({@link PathCostGate}), and the check is not measuring. They are not excused
 * from the configured total, which bounds the whole run, builds included. Also sizes each measurement's time slice
 * from the budget. Not thread-safe.
 */
final class CalibrationBudget {

    /** A budget holds about this many measurement slices: ladders plus the leaders' confirmation rounds. */
    static final int SLICES_PER_BUDGET = 30;
    private static final long MIN_SLICE_NANOS = 2_000_000;
    private static final long MIN_JIT_WARMUP_NANOS = 20_000_000;
    private static final long MAX_JIT_WARMUP_NANOS = 200_000_000;

    private final CalibrationSettings settings;
    private final LongSupplier clock;
    private final long start;
    private long excusedNanos;

    CalibrationBudget(CalibrationSettings settings, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /** The measuring budget given what has been measured so far. */
    long millis(List<Measurement> measured) {
        long budget = settings.totalMillis();
        if (settings.expectedRows() > 0) {
            long share = measured.isEmpty() ? 0
                    : (long) (CalibrationSettings.MAX_SHARE_OF_JOB * predictedScoringMillis(best(measured)));
            budget = Math.min(budget, Math.max(CalibrationSettings.MIN_BUDGET_MILLIS, share));
        }
        return budget;
    }

    /** Scoring time of the job at {@code rowsPerSecond} per task slot; 0 when the job's size is unknown. */
    double predictedScoringMillis(double rowsPerSecond) {
        return settings.expectedRows() / (rowsPerSecond * settings.slots()) * 1000;
    }

    boolean spent(List<Measurement> measured) {
        return remainingNanos(measured) <= 0;
    }

    /** What is left of the measuring budget, and never more than what is left of the configured total. */
    long remainingNanos(List<Measurement> measured) {
        long elapsed = clock.getAsLong() - start;
        long measuring = millis(measured) * 1_000_000L - (elapsed - excusedNanos);
        return Math.min(measuring, totalRemainingNanos());
    }

    /** What is left of the configured total, which no overdraft may pass. */
    long totalRemainingNanos() {
        return settings.totalMillis() * 1_000_000L - (clock.getAsLong() - start);
    }

    /** The time a measurement may take: a share of the budget, within [2 ms, the per-candidate budget]. */
    long sliceNanos(List<Measurement> measured) {
        long share = millis(measured) * 1_000_000L / SLICES_PER_BUDGET;
        return Math.max(MIN_SLICE_NANOS, Math.min(settings.candidateMillis() * 1_000_000L, share));
    }

    /**
     * The most untimed running of the jvm path before its ladder, so that its first sizes are not timed
     * half-interpreted: it ends as soon as the JIT is done, which in a warm JVM is within milliseconds.
     */
    long jitWarmupNanos(List<Measurement> measured) {
        long share = millis(measured) * 1_000_000L / 4;
        return Math.max(MIN_JIT_WARMUP_NANOS, Math.min(MAX_JIT_WARMUP_NANOS, share));
    }

    /**
     * What the fewest calls a measurement makes (a warm-up call and three timed rounds) take at {@code batch} rows and
     * {@code rowsPerSecond}: its cost when that exceeds its slice.
     */
    static double callsNanos(double rowsPerSecond, int batch) {
        return callsNanos(rowsPerSecond, batch, TimedMeter.MIN_CALLS_PER_MEASUREMENT);
    }

    /** What {@code calls} calls take at {@code batch} rows and {@code rowsPerSecond}. */
    static double callsNanos(double rowsPerSecond, int batch, int calls) {
        return 1e9 / rowsPerSecond * batch * calls;
    }

    /** Leaves {@code nanos} (a model build) out of the time spent. */
    void excuse(long nanos) {
        excusedNanos += nanos;
    }

    /** The best throughput as the job would see it now, other processes' share of the CPU included. */
    static double best(List<Measurement> measured) {
        return measured.stream().mapToDouble(Measurement::rowsPerSecond).max().orElseThrow();
    }
}
