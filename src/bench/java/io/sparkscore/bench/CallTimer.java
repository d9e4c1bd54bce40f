package io.sparkscore.bench;

import java.util.Arrays;
import java.util.function.DoubleSupplier;

/**
 * A small timing harness for calls of a few microseconds to a few seconds: untimed warm-up calls (JIT, TensorFlow's
 * first-run allocations), then repetitions of a fixed number of calls; the figure is the median over repetitions of
 * the mean time per call, so one disturbed repetition on a shared machine does not move it.
 *
 * <p>Each call returns a value that is summed into a sink, so the JIT cannot drop the work.
 */
final class CallTimer {

    /** Median, fastest and slowest repetition, in milliseconds per call. */
    record Timing(double medianMs, double minMs, double maxMs, int warmupCalls, int repetitions, int callsPerRep) {

        String method() {
            return String.format("%d warm-up calls, median of %d reps x %d calls (reps %.4g..%.4g ms/call)",
                    warmupCalls, repetitions, callsPerRep, minMs, maxMs);
        }
    }

    private static double sink;

    private CallTimer() {
    }

    static Timing time(DoubleSupplier call, int warmupCalls, int repetitions, int callsPerRep) {
        warmUp(call, warmupCalls);
        double[] perCall = new double[repetitions];
        for (int r = 0; r < repetitions; r++) {
            long t0 = System.nanoTime();
            for (int c = 0; c < callsPerRep; c++) {
                sink += call.getAsDouble();
            }
            perCall[r] = (System.nanoTime() - t0) / 1e6 / callsPerRep;
        }
        double[] sorted = perCall.clone();
        Arrays.sort(sorted);
        return new Timing(median(sorted), sorted[0], sorted[sorted.length - 1], warmupCalls, repetitions,
                callsPerRep);
    }

    static void warmUp(DoubleSupplier call, int calls) {
        for (int i = 0; i < calls; i++) {
            sink += call.getAsDouble();
        }
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Keeps {@link #sink} observable; printed nowhere, but read, so the sums are live. */
    static boolean sinkIsFinite() {
        return Double.isFinite(sink);
    }
}
