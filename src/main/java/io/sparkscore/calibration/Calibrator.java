package io.sparkscore.calibration;

import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.PredictionPath;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Measures the runnable paths × batch sizes × thread counts on real sampled rows and chooses the plan with the best
 * throughput, spending a bounded share of the job ({@link CalibrationBudget}).
 *
 * <ol>
 *   <li>Paths whose models are cheap to build (or already built) go first; a path with an expensive build is built
 *       only when it could win ({@link PathCostGate}). Each new path is checked against the first for parity
 *       ({@link ParityCheck}): a plan is only worth choosing if every measured path computes the same model.</li>
 *   <li>The jvm path's JIT is warmed, then each path is probed at one batch size; then each climbs its batch ladder
 *       ({@link BatchLadder}), which does not stop on one noisy step, the fastest probe first, so that the budget
 *       (which follows the best rate measured) is the fast path's before a slow path's ladder spends it.</li>
 *   <li>The leaders are measured again in interleaved rounds and judged on their medians
 *       ({@link LeaderConfirmation}).</li>
 *   <li>Plans of the best's path within {@code tieTolerance} of it count as ties and, when three or more sizes tie,
 *       the middle batch size of that plateau (then the fewest threads) wins, so that reruns agree; models
 *       calibration built but did not choose are released.</li>
 * </ol>
 *
 * <p>Not thread-safe; one instance per calibration run.
 */
public final class Calibrator {

    /**
     * The jvm path's JIT warm-up runs at this batch (or the largest allowed, when smaller): the probe's, large enough
     * that the forward pass's loops are what gets compiled, small enough that a slow model's call is not a budget.
     */
    private static final int JIT_WARMUP_BATCH = BatchLadder.PROBE_BATCH;

    private final CalibrationSettings settings;
    private final LongSupplier clock;

    public Calibrator(CalibrationSettings settings) {
        this(settings, System::nanoTime);
    }

    /** With the clock its budget is kept by; tests give a fake one that their meter advances. */
    public Calibrator(CalibrationSettings settings, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Calibrates on real predictor calls over {@code codec}'s rows.
     *
     * @param paths    the paths that can run the model (already filtered by layer support)
     * @param excluded paths left out and why, carried into the report
     */
    public CalibrationReport run(List<PredictionPath> paths, Map<String, String> excluded, ModelProvider models,
                                 BatchCodec codec, String ranOn) {
        return run(paths, excluded, models, codec, new TimedMeter(codec, settings.warmupMillis()), ranOn);
    }

    /** As {@link #run(List, Map, ModelProvider, BatchCodec, String)}, with the measurements from {@code meter}. */
    public CalibrationReport run(List<PredictionPath> paths, Map<String, String> excluded, ModelProvider models,
                                 BatchCodec codec, CandidateMeter meter, String ranOn) {
        if (paths.isEmpty()) {
            throw new CalibrationException("no prediction path can run this model: " + excluded);
        }
        long start = clock.getAsLong();
        CalibrationBudget budget = new CalibrationBudget(settings, clock);
        PathCostGate gate = new PathCostGate(settings, budget);
        BatchLadder ladder = new BatchLadder(settings, meter, budget);
        ParityCheck parity = new ParityCheck(codec, settings.parityTolerance(), paths);
        List<Measurement> measured = new ArrayList<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        Map<Slot, LoadedModel> used = new LinkedHashMap<>();
        Map<Slot, Long> builtHere = new LinkedHashMap<>();
        Map<Slot, CandidateMeter.Timing> probes = new LinkedHashMap<>();
        for (PredictionPath path : cheapestFirst(paths)) {
            // only TensorFlow has an intra-op pool; the jvm path runs in the task thread
            int minThreads = path == PredictionPath.TF ? settings.minThreads() : 1;
            int maxThreads = path == PredictionPath.TF ? settings.maxThreads() : 1;
            for (int threads = minThreads; threads <= maxThreads; threads++) {
                boolean held = models.holds(path, threads);
                var skip = gate.reasonToSkip(path, held, measured,
                        measured.isEmpty() ? 0 : meter.conversionNanosPerRow(JIT_WARMUP_BATCH),
                        models.buildMillis(path, threads));
                if (skip.isPresent()) {
                    skipped.put(Candidates.label(path, threads), skip.get());
                    continue;
                }
                long buildStart = clock.getAsLong();
                LoadedModel model = models.get(path, threads);
                long buildNanos = clock.getAsLong() - buildStart;
                budget.excuse(buildNanos);
                used.put(new Slot(path, threads), model);
                if (!held) {
                    builtHere.put(new Slot(path, threads), buildNanos);
                }
                if (threads == minThreads) {
                    long parityStart = clock.getAsLong();
                    parity.add(model);
                    // a correctness check, not measuring: its first (cold) calls would eat a small job's budget
                    budget.excuse(clock.getAsLong() - parityStart);
                }
                if (path == PredictionPath.JVM) {
                    meter.warmUp(model, Math.min(JIT_WARMUP_BATCH, settings.maxBatchRows()),
                            budget.jitWarmupNanos(measured));
                }
                probes.put(new Slot(path, threads), ladder.probe(model, threads, measured));
            }
        }
        // the fastest first: a slow path's ladder then spends the budget the fast one's rate allows, not its own
        probes.entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<Slot, CandidateMeter.Timing> e) ->
                        e.getValue().medianRowsPerSecond()).reversed())
                .forEach(e -> ladder.climb(used.get(e.getKey()), e.getKey().threads(), e.getValue(), measured,
                        skipped));
        new LeaderConfirmation(settings, meter, budget).confirm(measured,
                m -> used.get(new Slot(m.path(), m.threads())));
        Plan chosen = choose(measured);
        Slot kept = new Slot(chosen.path(), chosen.intraOpThreads());
        builtHere.keySet().stream().filter(s -> !s.equals(kept)).forEach(s -> models.release(s.path(), s.threads()));
        long millis = (clock.getAsLong() - start) / 1_000_000L;
        return new CalibrationReport(measured, chosen, parity.maxAbsDifference(), excluded, skipped, codec.rows(),
                millis, builtHere.getOrDefault(kept, 0L) / 1_000_000L, ranOn);
    }

    /** The jvm path first: its model costs little to build, and its numbers tell whether TensorFlow can pay. */
    private static List<PredictionPath> cheapestFirst(List<PredictionPath> paths) {
        return paths.stream().sorted(Comparator.comparing(p -> p == PredictionPath.TF)).toList();
    }

    /** A path and thread count: one model. */
    private record Slot(PredictionPath path, int threads) {
    }

    /**
     * Best throughput wins, but on a plateau no single measurement can say which size is best: the plans of the
     * best's path within {@code tieTolerance} of it are ties, and when three or more sizes tie, the one in the middle
     * of their batch sizes wins (the larger of two middles), then the fewest threads. The middle stays a good plan
     * when noise moves the plateau's edges by a size, where the plateau's smallest batch is often on the rising edge
     * of the curve, below the rest. Two tied sizes have no middle that both neighbours vouch for: the better measured
     * wins.
     */
    Plan choose(List<Measurement> measurements) {
        if (measurements.isEmpty()) {
            throw new CalibrationException("calibration measured nothing: the time budget was spent before the first"
                    + " candidate; raise --calibration-budget-ms");
        }
        Measurement best = measurements.stream().max(Comparator.comparingDouble(Measurement::rowsPerSecond))
                .orElseThrow();
        List<Measurement> plateau = measurements.stream()
                .filter(m -> m.path() == best.path())
                .filter(m -> m.rowsPerSecond() >= best.rowsPerSecond() * (1 - settings.tieTolerance()))
                .toList();
        List<Integer> sizes = plateau.stream().map(Measurement::batchSize).distinct().sorted().toList();
        int middle = sizes.size() >= 3 ? sizes.get(sizes.size() / 2) : best.batchSize();
        return plateau.stream().filter(m -> m.batchSize() == middle)
                .min(Comparator.comparingInt(Measurement::threads))
                .orElseThrow()
                .plan();
    }
}
