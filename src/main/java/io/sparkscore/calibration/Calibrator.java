package io.sparkscore.calibration;

import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.ParityTolerance;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.Predictor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures every runnable path × batch size × thread count on real sampled rows and chooses the plan with the best
 * throughput. Before timing, it checks that the paths agree on the same rows: a plan is only worth choosing if every
 * path computes the same model.
 *
 * <p>Per candidate: untimed warm-up calls, then timed calls until the mean batch time is stable (95% confidence
 * half-width under 5%) or the candidate's budget is spent. A path's batch ladder stops climbing after two sizes in a
 * row that do not beat its best; the leading candidates are then measured once more. Plans within
 * {@code tieTolerance} of the best count as ties and the smallest batch (then fewest threads) wins, because it needs
 * the least memory.
 *
 * <p>Not thread-safe; one instance per calibration run.
 */
public final class Calibrator {

    private static final int PARITY_ROWS = 64;
    /** Ladder sizes every path is measured at, whatever the budget: enough to see where its throughput goes. */
    private static final int MIN_STEPS = 3;
    /** Candidates this close to the best are measured a second time before the choice. */
    private static final double CONFIRM_WITHIN = 0.15;
    private static final int CONFIRM_MAX = 3;
    private static final int MIN_TIMED_ROUNDS = 3;
    private static final int STABLE_AFTER_ROUNDS = 8;
    private static final double MIN_ROUND_NANOS = 50_000;
    private static final double STABLE_RELATIVE_CI = 0.05;

    private final CalibrationSettings settings;
    /** Consumes an output value per call so the JIT cannot treat a prediction as dead code. */
    private double blackhole;

    public Calibrator(CalibrationSettings settings) {
        this.settings = settings;
    }

    /**
     * @param paths    the paths that can run the model (already filtered by layer support)
     * @param excluded paths left out and why, carried into the report
     */
    public CalibrationReport run(List<PredictionPath> paths, Map<String, String> excluded, ModelProvider models,
                                 BatchCodec codec, String ranOn) {
        if (paths.isEmpty()) {
            throw new CalibrationException("no prediction path can run this model: " + excluded);
        }
        long start = System.nanoTime();
        double maxDiff = checkParity(paths, models, codec);
        List<Ladder> ladders = new ArrayList<>();
        for (PredictionPath path : paths) {
            // only TensorFlow has an intra-op pool; the jvm path runs in the task thread
            int minThreads = path == PredictionPath.TF ? settings.minThreads() : 1;
            int maxThreads = path == PredictionPath.TF ? settings.maxThreads() : 1;
            for (int threads = minThreads; threads <= maxThreads; threads++) {
                ladders.add(new Ladder(models.get(path, threads), threads));
            }
        }
        List<Measurement> measurements = new ArrayList<>();
        // The budget covers measuring only: loading models is a cost scoring pays anyway (they stay cached).
        long measuringStart = System.nanoTime();
        // Ladders climb in lockstep, one size each per round, so that a short budget still measures every path.
        boolean climbing = true;
        for (int step = 0; climbing; step++) {
            climbing = false;
            for (Ladder ladder : ladders) {
                if (step >= MIN_STEPS && System.nanoTime() > deadline(measuringStart, measurements)) {
                    break;
                }
                climbing |= ladder.climb(step, codec, measurements);
            }
        }
        confirmLeaders(ladders, codec, measurements);
        Plan chosen = choose(measurements);
        long millis = (System.nanoTime() - start) / 1_000_000L;
        return new CalibrationReport(measurements, chosen, maxDiff, excluded, codec.rows(), millis, ranOn);
    }

    /**
     * Measures the leading candidates (within {@link #CONFIRM_WITHIN} of the best, at most {@link #CONFIRM_MAX})
     * once more, after every ladder has run, and merges each pair of measurements: one noisy time slice then cannot
     * decide the plan on its own.
     */
    private void confirmLeaders(List<Ladder> ladders, BatchCodec codec, List<Measurement> measurements) {
        if (measurements.size() < 2) {
            return;
        }
        double best = measurements.stream().mapToDouble(Measurement::rowsPerSecond).max().orElseThrow();
        List<Measurement> leaders = measurements.stream()
                .filter(m -> m.rowsPerSecond() >= best * (1 - CONFIRM_WITHIN))
                .sorted(Comparator.comparingDouble(Measurement::rowsPerSecond).reversed())
                .limit(CONFIRM_MAX)
                .toList();
        if (leaders.size() < 2) {
            return;
        }
        for (Measurement first : leaders) {
            LoadedModel model = ladders.stream()
                    .filter(l -> l.model.path() == first.path() && l.threads == first.threads())
                    .findFirst().orElseThrow().model;
            Measurement again = measure(model, first.batchSize(), first.threads(), codec);
            measurements.set(measurements.indexOf(first), merged(first, again));
        }
    }

    private static Measurement merged(Measurement a, Measurement b) {
        return new Measurement(a.path(), a.batchSize(), a.threads(), a.batches() + b.batches(), a.rows() + b.rows(),
                a.seconds() + b.seconds(), (a.p50BatchMillis() + b.p50BatchMillis()) / 2,
                Math.max(a.p95BatchMillis(), b.p95BatchMillis()));
    }

    /** One path and thread count climbing the batch ladder until throughput stops improving. */
    private final class Ladder {
        private final LoadedModel model;
        private final int threads;
        private double best;
        private int notBetter;
        private boolean done;

        Ladder(LoadedModel model, int threads) {
            this.model = model;
            this.threads = threads;
        }

        /** Measures the ladder's size at {@code step}; returns whether the ladder may climb further. */
        boolean climb(int step, BatchCodec codec, List<Measurement> out) {
            int[] sizes = settings.batchLadder();
            if (done || step >= sizes.length || sizes[step] > settings.maxBatchRows()) {
                done = true;
                return false;
            }
            Measurement m = measure(model, sizes[step], threads, codec);
            out.add(m);
            if (m.rowsPerSecond() > best) {
                best = m.rowsPerSecond();
                notBetter = 0;
            } else if (++notBetter >= 2) {
                done = true;
            }
            return !done;
        }
    }

    /**
     * The end of the budget: the total budget, or less when the job is small — 5% of the job time predicted by the
     * best throughput measured so far, but never less than the minimum that measures each path a little.
     */
    private long deadline(long start, List<Measurement> measured) {
        return start + budgetMillis(measured) * 1_000_000L;
    }

    /** The measuring budget given what has been measured so far. */
    long budgetMillis(List<Measurement> measured) {
        long budget = settings.totalMillis();
        if (settings.expectedRows() > 0 && !measured.isEmpty()) {
            double best = measured.stream().mapToDouble(Measurement::rowsPerSecond).max().orElseThrow();
            long share = (long) (CalibrationSettings.MAX_SHARE_OF_JOB * settings.expectedRows() / best * 1000);
            budget = Math.min(budget, Math.max(CalibrationSettings.MIN_BUDGET_MILLIS, share));
        }
        return budget;
    }

    /**
     * Times one candidate, including the encoding of rows into the batch buffers and the decoding of predictions
     * that scoring also pays. Calls are timed in rounds of at least {@link #MIN_ROUND_NANOS} so that the clock's own
     * cost does not distort sub-microsecond calls; latency percentiles are over round means.
     */
    Measurement measure(LoadedModel model, int batch, int threads, BatchCodec codec) {
        codec.reserve(batch);
        try (Predictor predictor = model.newPredictor(batch)) {
            long warmStart = System.nanoTime();
            long warmEnd = warmStart + settings.warmupMillis() * 1_000_000L;
            int offset = 0;
            long warmCalls = 0;
            while (warmCalls < 2 || System.nanoTime() < warmEnd) {
                offset = runBatch(predictor, batch, codec, offset);
                warmCalls++;
            }
            double nanosPerCall = (System.nanoTime() - warmStart) / (double) warmCalls;
            int callsPerRound = (int) Math.max(1, Math.min(1 << 20, Math.ceil(MIN_ROUND_NANOS / nanosPerCall)));

            long budget = settings.candidateMillis() * 1_000_000L;
            double[] roundMillis = new double[256];
            int rounds = 0;
            long total = 0;
            double mean = 0;
            double m2 = 0;
            while (rounds < MIN_TIMED_ROUNDS
                    || (total < budget && !(rounds >= STABLE_AFTER_ROUNDS && stable(mean, m2, rounds)))) {
                long t0 = System.nanoTime();
                for (int c = 0; c < callsPerRound; c++) {
                    offset = runBatch(predictor, batch, codec, offset);
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
            return new Measurement(model.path(), batch, threads, batches, batches * batch, total / 1e9,
                    percentile(sorted, 0.50), percentile(sorted, 0.95));
        }
    }

    private int runBatch(Predictor predictor, int batch, BatchCodec codec, int offset) {
        codec.encode(batch, offset);
        predictor.predict(codec.inputs(), batch, codec.outputs());
        codec.decode(batch);
        blackhole += codec.outputs()[0][0];
        return (offset + batch) % codec.rows();
    }

    /** Whether the 95% confidence half-width of the mean round time is within 5% of the mean (Welford's sums). */
    private static boolean stable(double mean, double m2, int n) {
        double halfWidth = 1.96 * Math.sqrt(m2 / (n - 1)) / Math.sqrt(n);
        return halfWidth / mean < STABLE_RELATIVE_CI;
    }

    private static double percentile(double[] sorted, double q) {
        int idx = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    /** Runs every path on the same rows and fails when any pair differs by more than the tolerance. */
    private double checkParity(List<PredictionPath> paths, ModelProvider models, BatchCodec codec) {
        int rows = Math.min(PARITY_ROWS, codec.rows());
        Map<PredictionPath, float[][]> outputs = new LinkedHashMap<>();
        for (PredictionPath path : paths) {
            LoadedModel model = models.get(path, path == PredictionPath.TF ? settings.minThreads() : 1);
            codec.reserve(rows);
            codec.encode(rows, 0);
            try (Predictor p = model.newPredictor(rows)) {
                p.predict(codec.inputs(), rows, codec.outputs());
            }
            float[][] out = codec.outputs().clone();
            for (int j = 0; j < out.length; j++) {
                out[j] = Arrays.copyOf(out[j], rows * model.signature().outputSize(j));
            }
            outputs.put(path, out);
        }
        double maxDiff = 0;
        float[][] reference = outputs.values().iterator().next();
        PredictionPath referencePath = paths.get(0);
        ParityTolerance tolerance = paths.size() < 2 ? null : ParityTolerance.measure(
                models.get(referencePath, referencePath == PredictionPath.TF ? settings.minThreads() : 1),
                codec.inputs(), rows, reference, settings.parityTolerance());
        for (Map.Entry<PredictionPath, float[][]> e : outputs.entrySet()) {
            float[][] other = e.getValue();
            for (int j = 0; j < reference.length; j++) {
                for (int k = 0; k < reference[j].length; k++) {
                    maxDiff = Math.max(maxDiff, Math.abs(reference[j][k] - other[j][k]));
                    if (tolerance != null && !tolerance.agrees(j, k, reference[j][k], other[j][k])) {
                        throw disagreement(models, referencePath, e.getKey(), codec, rows, reference[j][k],
                                other[j][k], j, k, tolerance.allowed(j, k, reference[j][k]));
                    }
                }
            }
        }
        return maxDiff;
    }

    private CalibrationException disagreement(ModelProvider models, PredictionPath a, PredictionPath b,
                                              BatchCodec codec, int rows, float valueA, float valueB, int output,
                                              int index, double allowed) {
        String where = LayerDivergence.first(models.get(a, 1).spec(), a, b, codec, rows, settings.parityTolerance())
                .map(d -> "; they first diverge at layer '" + d.node() + "' (" + d.layerClass() + "), by up to "
                        + String.format(java.util.Locale.ROOT, "%.3g", d.maxAbsDifference()))
                .orElse("");
        return new CalibrationException(String.format(java.util.Locale.ROOT,
                "prediction paths disagree: %s gave %s but %s gave %s for output %d, value %d (allowed %.1e: %.0e"
                        + " relative plus float32 rounding growth)%s; the model is not computed the same way on both"
                        + " paths - report it with the model, and score with --path %s or --path %s meanwhile",
                a.id(), valueA, b.id(), valueB, output, index, allowed, settings.parityTolerance(), where, a.id(),
                b.id()));
    }

    /** Best throughput wins; ties within noise go to the smaller batch, then to fewer threads. */
    Plan choose(List<Measurement> measurements) {
        if (measurements.isEmpty()) {
            throw new CalibrationException("calibration measured nothing: the time budget was spent before the first"
                    + " candidate; raise spark.sparkscore.calibration.budgetMillis");
        }
        double best = measurements.stream().mapToDouble(Measurement::rowsPerSecond).max().orElseThrow();
        return measurements.stream()
                .filter(m -> m.rowsPerSecond() >= best * (1 - settings.tieTolerance()))
                .min(Comparator.comparingInt(Measurement::batchSize).thenComparingInt(Measurement::threads))
                .orElseThrow()
                .plan();
    }
}
