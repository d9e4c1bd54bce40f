package io.sparkscore.calibration;

import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.ModelSignature;
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
 * row that do not beat its best. Plans within {@code tieTolerance} of the best count as ties and the smallest batch
 * (then fewest threads) wins, because it needs the least memory.
 *
 * <p>Not thread-safe; one instance per calibration run.
 */
public final class Calibrator {

    private static final int PARITY_ROWS = 64;
    private static final int MIN_TIMED_BATCHES = 3;
    private static final int STABLE_AFTER_BATCHES = 8;
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
                                 CalibrationSample sample, String ranOn) {
        if (paths.isEmpty()) {
            throw new CalibrationException("no prediction path can run this model: " + excluded);
        }
        long start = System.nanoTime();
        double maxDiff = checkParity(paths, models, sample);
        List<Measurement> measurements = new ArrayList<>();
        long deadline = start + settings.totalMillis() * 1_000_000L;
        for (PredictionPath path : paths) {
            int maxThreads = path == PredictionPath.TF ? settings.maxThreads() : 1;
            for (int threads = 1; threads <= maxThreads; threads++) {
                climbLadder(models.get(path, threads), threads, sample, deadline, measurements);
            }
        }
        Plan chosen = choose(measurements);
        long millis = (System.nanoTime() - start) / 1_000_000L;
        return new CalibrationReport(measurements, chosen, maxDiff, excluded, sample.rows(), millis, ranOn);
    }

    private void climbLadder(LoadedModel model, int threads, CalibrationSample sample, long deadline,
                             List<Measurement> out) {
        double best = 0;
        int notBetter = 0;
        for (int batch : settings.batchLadder()) {
            if (batch > settings.maxBatchRows() || System.nanoTime() > deadline) {
                return;
            }
            Measurement m = measure(model, batch, threads, sample);
            out.add(m);
            if (m.rowsPerSecond() > best) {
                best = m.rowsPerSecond();
                notBetter = 0;
            } else if (++notBetter >= 2) {
                return;
            }
        }
    }

    /** Times one candidate, including the copy of rows into the batch buffers that scoring also pays. */
    Measurement measure(LoadedModel model, int batch, int threads, CalibrationSample sample) {
        ModelSignature sig = model.signature();
        float[][] in = allocate(sig, batch, true);
        float[][] out = allocate(sig, batch, false);
        try (Predictor predictor = model.newPredictor(batch)) {
            long warmEnd = System.nanoTime() + settings.warmupMillis() * 1_000_000L;
            int offset = 0;
            for (int calls = 0; calls < 2 || System.nanoTime() < warmEnd; calls++) {
                offset = runBatch(predictor, sig, in, out, batch, sample, offset);
            }
            long budget = settings.candidateMillis() * 1_000_000L;
            double[] times = new double[1024];
            int n = 0;
            long total = 0;
            while (n < MIN_TIMED_BATCHES || (total < budget && !(n >= STABLE_AFTER_BATCHES && stable(times, n)))) {
                long t0 = System.nanoTime();
                offset = runBatch(predictor, sig, in, out, batch, sample, offset);
                long dt = System.nanoTime() - t0;
                total += dt;
                if (n == times.length) {
                    times = Arrays.copyOf(times, n * 2);
                }
                times[n++] = dt / 1e6;
            }
            double[] sorted = Arrays.copyOf(times, n);
            Arrays.sort(sorted);
            return new Measurement(model.path(), batch, threads, n, (long) n * batch, total / 1e9,
                    percentile(sorted, 0.50), percentile(sorted, 0.95));
        }
    }

    private int runBatch(Predictor predictor, ModelSignature sig, float[][] in, float[][] out, int batch,
                         CalibrationSample sample, int offset) {
        sample.fill(sig, in, batch, offset);
        predictor.predict(in, batch, out);
        blackhole += out[0][0];
        return (offset + batch) % sample.rows();
    }

    private static boolean stable(double[] times, int n) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += times[i];
        }
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
            var += (times[i] - mean) * (times[i] - mean);
        }
        double halfWidth = 1.96 * Math.sqrt(var / (n - 1)) / Math.sqrt(n);
        return halfWidth / mean < STABLE_RELATIVE_CI;
    }

    private static double percentile(double[] sorted, double q) {
        int idx = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    /** Runs every path on the same rows and fails when any pair differs by more than the tolerance. */
    private double checkParity(List<PredictionPath> paths, ModelProvider models, CalibrationSample sample) {
        int rows = Math.min(PARITY_ROWS, sample.rows());
        Map<PredictionPath, float[][]> outputs = new LinkedHashMap<>();
        for (PredictionPath path : paths) {
            LoadedModel model = models.get(path, 1);
            ModelSignature sig = model.signature();
            float[][] in = allocate(sig, rows, true);
            float[][] out = allocate(sig, rows, false);
            sample.fill(sig, in, rows, 0);
            try (Predictor p = model.newPredictor(rows)) {
                p.predict(in, rows, out);
            }
            outputs.put(path, out);
        }
        double maxDiff = 0;
        float[][] reference = outputs.values().iterator().next();
        PredictionPath referencePath = paths.get(0);
        for (Map.Entry<PredictionPath, float[][]> e : outputs.entrySet()) {
            float[][] other = e.getValue();
            for (int j = 0; j < reference.length; j++) {
                for (int k = 0; k < reference[j].length; k++) {
                    double diff = Math.abs(reference[j][k] - other[j][k]);
                    maxDiff = Math.max(maxDiff, diff);
                    boolean bothNaN = Float.isNaN(reference[j][k]) && Float.isNaN(other[j][k]);
                    if (!bothNaN && !(diff <= settings.parityTolerance() * Math.max(1.0, Math.abs(reference[j][k])))) {
                        throw new CalibrationException(String.format(
                                "prediction paths disagree: %s gave %s but %s gave %s for output %d, value %d "
                                        + "(tolerance %.1e); the model is not computed the same way on both paths - "
                                        + "report this with the model, and score with --path %s meanwhile",
                                referencePath.id(), reference[j][k], e.getKey().id(), other[j][k], j, k,
                                settings.parityTolerance(), referencePath.id()));
                    }
                }
            }
        }
        return maxDiff;
    }

    private static float[][] allocate(ModelSignature sig, int rows, boolean inputs) {
        int count = inputs ? sig.inputCount() : sig.outputCount();
        float[][] buffers = new float[count][];
        for (int i = 0; i < count; i++) {
            buffers[i] = new float[rows * (inputs ? sig.inputSize(i) : sig.outputSize(i))];
        }
        return buffers;
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
