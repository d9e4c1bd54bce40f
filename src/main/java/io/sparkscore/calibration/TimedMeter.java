package io.sparkscore.calibration;

import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.Predictor;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Times real predictor calls on sampled rows, including the encoding of rows into the batch buffers and the decoding
 * of predictions that scoring also pays. Calls are timed in rounds of at least {@link #MIN_ROUND_NANOS} so that the
 * clock's own cost does not distort sub-microsecond calls, and of at least 1/{@value #ROUNDS_PER_SLICE} of the
 * measurement's slice so that every size is exposed alike to other processes; a measurement runs for at least a quarter of its slice,
 * then stops once the 95% confidence half-width of the mean round time is within {@link #STABLE_RELATIVE_CI}, or when
 * the slice is spent. Not thread-safe.
 */
public final class TimedMeter implements CandidateMeter {

    private static final int MIN_WARM_CALLS = 1;
    private static final int MIN_TIMED_ROUNDS = 3;
    /** A confirmation round's measurement times one round at least: the rounds' median stands against a slow call. */
    private static final int MIN_TIMED_ROUNDS_REMEASURED = 1;
    /** The fewest calls one measurement makes, one per timed round at least: what sizes a slow call's cost. */
    static final int MIN_CALLS_PER_MEASUREMENT = MIN_WARM_CALLS + MIN_TIMED_ROUNDS;
    /** The fewest calls of a confirmation round's measurement ({@link #remeasure}). */
    static final int MIN_CALLS_PER_REMEASUREMENT = MIN_WARM_CALLS + MIN_TIMED_ROUNDS_REMEASURED;
    private static final int STABLE_AFTER_ROUNDS = 8;
    private static final double MIN_ROUND_NANOS = 50_000;
    /**
     * Rounds last at least this fraction of the slice, whatever the call's size: on a loaded machine, rounds shorter
     * than the scheduler's time slice often run uninterrupted and would make small batches look faster, relative to
     * large ones (whose every call is interrupted), than a job would find them.
     */
    private static final int ROUNDS_PER_SLICE = 32;
    private static final double STABLE_RELATIVE_CI = 0.05;
    private static final long CONVERSION_PROBE_NANOS = 2_000_000;
    /** The JIT warm-up checks after every chunk of this long whether the JIT is still compiling. */
    private static final long JIT_CHUNK_NANOS = 2_000_000;
    private static final int QUIET_CHUNKS = 2;
    /** Each measurement's warm-up takes at most this fraction of its slice (the jvm path's JIT is warmed before). */
    private static final int WARMUP_SHARE = 10;

    private final BatchCodec codec;
    private final long warmupNanos;
    private int offset;
    /** Consumes an output value per call so the JIT cannot treat a prediction as dead code. */
    private double blackhole;

    /** @param warmupMillis most untimed time before each measurement (a tenth of its slice when that is less) */
    public TimedMeter(BatchCodec codec, long warmupMillis) {
        this.codec = codec;
        this.warmupNanos = warmupMillis * 1_000_000L;
    }

    /**
     * Warms in chunks of {@link #JIT_CHUNK_NANOS} until {@link #QUIET_CHUNKS} chunks in a row pass without the JIT
     * finishing a compile (in a warm JVM, the first ones; in a fresh one, after tens of milliseconds of C1 then C2
     * compiles; two, because a long compile only counts once it ends), or {@code maxNanos} is spent. Where the JVM
     * does not report compile time, the whole {@code maxNanos} is spent.
     */
    @Override
    public void warmUp(LoadedModel model, int batch, long maxNanos) {
        codec.reserve(batch);
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean observable = jit != null && jit.isCompilationTimeMonitoringSupported();
        try (Predictor predictor = model.newPredictor(batch)) {
            long end = System.nanoTime() + maxNanos;
            long compiled = observable ? jit.getTotalCompilationTime() : -1;
            int quiet = 0;
            while (System.nanoTime() < end) {
                warm(predictor, batch, Math.min(JIT_CHUNK_NANOS, end - System.nanoTime()));
                long now = observable ? jit.getTotalCompilationTime() : -1;
                quiet = observable && now == compiled ? quiet + 1 : 0;
                if (quiet >= QUIET_CHUNKS) {
                    return;
                }
                compiled = now;
            }
        }
    }

    /** Runs untimed calls for {@code nanos}; returns the mean nanoseconds per call. */
    private double warm(Predictor predictor, int batch, long nanos) {
        long start = System.nanoTime();
        long end = start + nanos;
        long calls = 0;
        while (calls < MIN_WARM_CALLS || System.nanoTime() < end) {
            runBatch(predictor, batch);
            calls++;
        }
        return (System.nanoTime() - start) / (double) calls;
    }

    @Override
    public Timing measure(LoadedModel model, int batch, int threads, long sliceNanos) {
        return measure(model, batch, threads, sliceNanos, MIN_TIMED_ROUNDS);
    }

    @Override
    public Timing remeasure(LoadedModel model, int batch, int threads, long sliceNanos) {
        return measure(model, batch, threads, sliceNanos, MIN_TIMED_ROUNDS_REMEASURED);
    }

    private Timing measure(LoadedModel model, int batch, int threads, long sliceNanos, int minRounds) {
        codec.reserve(batch);
        try (Predictor predictor = model.newPredictor(batch)) {
            double nanosPerCall = warm(predictor, batch, Math.min(warmupNanos, sliceNanos / WARMUP_SHARE));
            double roundNanos = Math.max(MIN_ROUND_NANOS, sliceNanos / (double) ROUNDS_PER_SLICE);
            int callsPerRound = (int) Math.max(1, Math.min(1 << 20, Math.ceil(roundNanos / nanosPerCall)));
            double[] roundMillis = new double[256];
            int rounds = 0;
            long total = 0;
            double mean = 0;
            double m2 = 0;
            while (rounds < minRounds
                    || (total < sliceNanos && !(rounds >= STABLE_AFTER_ROUNDS && total >= sliceNanos / 4
                    && halfWidth(mean, m2, rounds) < STABLE_RELATIVE_CI))) {
                long t0 = System.nanoTime();
                for (int c = 0; c < callsPerRound; c++) {
                    runBatch(predictor, batch);
                }
                long dt = System.nanoTime() - t0;
                total += dt;
                double perBatch = dt / 1e6 / callsPerRound;
                if (rounds == roundMillis.length) {
                    roundMillis = Arrays.copyOf(roundMillis, rounds * 2);
                }
                roundMillis[rounds++] = perBatch;
                double delta = perBatch - mean;
                mean += delta / rounds;
                m2 += delta * (perBatch - mean);
            }
            double[] sorted = Arrays.copyOf(roundMillis, rounds);
            Arrays.sort(sorted);
            long batches = (long) rounds * callsPerRound;
            Measurement m = new Measurement(model.path(), batch, threads, batches, batches * batch, total / 1e9,
                    percentile(sorted, 0.50), percentile(sorted, 0.95));
            return new Timing(m, halfWidth(mean, m2, rounds));
        }
    }

    @Override
    public double conversionNanosPerRow(int batch) {
        int rows = Math.min(batch, codec.rows());
        codec.reserve(rows);
        long start = System.nanoTime();
        long calls = 0;
        while (calls < MIN_WARM_CALLS || System.nanoTime() - start < CONVERSION_PROBE_NANOS) {
            codec.encode(rows, 0);
            codec.decode(rows);
            calls++;
        }
        return (System.nanoTime() - start) / (double) (calls * rows);
    }

    private void runBatch(Predictor predictor, int batch) {
        codec.encode(batch, offset);
        predictor.predict(codec.inputs(), codec.rowStarts(), batch, codec.outputs());
        codec.decode(batch);
        blackhole += codec.outputs()[0][0];
        offset = (offset + batch) % codec.rows();
    }

    /** The 95% confidence half-width of the mean round time relative to the mean (Welford's sums). */
    private static double halfWidth(double mean, double m2, int n) {
        if (n < 2 || mean <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        return 1.96 * Math.sqrt(m2 / (n - 1)) / Math.sqrt(n) / mean;
    }

    private static double percentile(double[] sorted, double q) {
        int idx = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }
}
