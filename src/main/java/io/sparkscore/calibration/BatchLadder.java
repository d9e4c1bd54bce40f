package io.sparkscore.calibration;

import io.sparkscore.runtime.LoadedModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One path and thread count climbing the batch-size ladder. It stops only on evidence, never on one noisy step: a
 * step counts as worse than the best so far only when it is below it by more than both measurements' confidence
 * intervals together (and at least {@link #MIN_SIGNIFICANT_DROP}), and only when a second measurement of that step
 * agrees and so does a second look at the best (a lucky slice of a small batch would otherwise end the climb before
 * the sizes that win); two such steps in a row end the climb. It also ends at the top of the ladder, at the memory
 * cap, or once the budget is spent (after {@link #MIN_STEPS} cheap sizes, or when the next size's predicted cost
 * exceeds what is left) — unless throughput is still climbing: then the next size is measured while the scoring
 * time that the recent steps' gain promises to save, were it repeated, is worth at least {@link #WORTH_CLIMBING}
 * times the step's cost (stopping a job's calibration at batch 16 to save 50 ms can cost it seconds). It climbs on
 * the median round's rate ({@link CandidateMeter.Timing#medianRowsPerSecond()}). Gains are judged over the last
 * {@link #TREND_STEPS} steps together, not step by step: a curve rising 8% per step is still climbing (18% over two
 * steps), while one noisy step neither makes nor breaks a trend on its own. On a plateau (throughput not
 * significantly above the best of {@link #TREND_STEPS} sizes back) it goes on while the next size is cheap (within a
 * measurement slice), and looks one costlier size further if it takes at most {@link #PLATEAU_SHARE_OF_REST} of the
 * budget left: a dipping curve can rise again, but the leaders' confirmation needs the rest. Sizes not measured are
 * reported as skipped, with the reason.
 */
final class BatchLadder {

    /**
     * Ladder sizes (1 to 1024 on the default ladder) every path is measured at whatever the budget, as long as their
     * calls are cheap (predicted within a measurement slice): throughput often stays flat over the small sizes,
     * where converting rows dominates, and only then rises.
     */
    static final int MIN_STEPS = 6;
    static final double MIN_SIGNIFICANT_DROP = 0.10;
    private static final int DROPS_TO_STOP = 2;
    /** Gains are judged over this many steps: less than {@link #MIN_SIGNIFICANT_DROP} over them is a plateau. */
    private static final int TREND_STEPS = 2;
    /**
     * On a plateau, one larger size beyond a measurement slice is still measured when it takes at most this share of
     * the budget left: curves dip and rise again (medium_cal's tf path: 64 and 4096 lead, 1024 sits 15% below both),
     * but a plateau must not eat the leaders' confirmation.
     */
    static final double PLATEAU_SHARE_OF_REST = 0.5;
    /** The probe's batch size: past the per-call overheads that dominate the smallest sizes, and cheap. */
    static final int PROBE_BATCH = 64;
    /** Beyond the budget, a step must promise to save this many times what it costs. */
    static final double WORTH_CLIMBING = 2;

    private final CalibrationSettings settings;
    private final CandidateMeter meter;
    private final CalibrationBudget budget;

    BatchLadder(CalibrationSettings settings, CandidateMeter meter, CalibrationBudget budget) {
        this.settings = settings;
        this.meter = meter;
        this.budget = budget;
    }

    /**
     * Measures {@code model} at one mid-ladder size ({@link #PROBE_BATCH}, or the largest allowed size below it) into
     * {@code measured}: probes of every path tell which is fast before any ladder spends the budget, which follows the
     * best rate measured.
     */
    CandidateMeter.Timing probe(LoadedModel model, int threads, List<Measurement> measured) {
        int[] sizes = sizes();
        int size = sizes[0];
        for (int s : sizes) {
            if (s <= PROBE_BATCH) {
                size = s;
            }
        }
        CandidateMeter.Timing t = meter.measure(model, size, threads, budget.sliceNanos(measured));
        measured.add(t.measurement());
        return t;
    }

    /**
     * Climbs {@code model}'s ladder into {@code measured}, replacing its {@code probe} when it reaches the probe's
     * size; what it leaves out goes to {@code skipped}, with why.
     */
    void climb(LoadedModel model, int threads, CandidateMeter.Timing probe, List<Measurement> measured,
               Map<String, String> skipped) {
        int[] sizes = sizes();
        String label = Candidates.label(model.path(), threads);
        List<CandidateMeter.Timing> steps = new ArrayList<>();
        CandidateMeter.Timing best = null;
        int lookedAgainAt = 0;
        boolean lookedPast = false;
        for (int i = 0; i < sizes.length; i++) {
            int size = sizes[i];
            boolean probed = size == probe.measurement().batchSize();
            CandidateMeter.Timing last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
            long slice = budget.sliceNanos(measured);
            double predicted = predictedNanos(last, size);
            boolean cheap = predicted <= slice;
            double cost = Math.max(predicted, slice);
            boolean plateau = onPlateau(steps);
            if (plateau && !cheap && (lookedPast || cost > PLATEAU_SHARE_OF_REST * budget.remainingNanos(measured))) {
                skipped.put(label + " batch " + range(sizes, i, probe), String.format(Locale.ROOT, "not measured:"
                        + " throughput stopped rising at batch %d%s", best.measurement().batchSize(), lookedPast
                        ? ", also one size further" : String.format(Locale.ROOT, ", and batch %d would take %.0f ms,"
                        + " more than half of the budget left", size, cost / 1e6)));
                return;
            }
            lookedPast |= plateau && !cheap;
            if (cost > budget.totalRemainingNanos()) {
                skipped.put(label + " batch " + range(sizes, i, probe), String.format(Locale.ROOT, "not measured:"
                        + " batch %d would take %.0f ms, past the calibration's configured total (%d ms)", size,
                        cost / 1e6, settings.totalMillis()));
                return;
            }
            boolean budgetLeft = !budget.spent(measured) && cost <= budget.remainingNanos(measured);
            if (!budgetLeft && !(i < MIN_STEPS && cheap) && !worthClimbing(steps, cost, measured)) {
                skipped.put(label + " batch " + range(sizes, i, probe), String.format(Locale.ROOT, "not measured:"
                        + " the calibration budget (%d ms) was spent", budget.millis(measured)));
                return;
            }
            CandidateMeter.Timing t = meter.measure(model, size, threads, budget.sliceNanos(measured));
            if (best != null && significantlyBelow(t, best)) {
                // one slow slice is noise until a second measurement of the same size agrees
                CandidateMeter.Timing again = meter.measure(model, size, threads, budget.sliceNanos(measured));
                t = again.medianRowsPerSecond() > t.medianRowsPerSecond() ? again : t;
            }
            if (best != null && significantlyBelow(t, best) && best.measurement().batchSize() != lookedAgainAt) {
                // nor is one fast slice of the best: the drop must hold against a second look at it
                lookedAgainAt = best.measurement().batchSize();
                best = lookAgain(model, threads, best, steps, measured);
            }
            if (probed) {
                // measured again: the probe ran right after the model was built, often before its runtime was warm
                measured.set(measured.indexOf(probe.measurement()), t.measurement());
            } else {
                measured.add(t.measurement());
            }
            steps.add(t);
            if (best == null || t.medianRowsPerSecond() > best.medianRowsPerSecond()) {
                best = t;
            }
            int drops = trailingDrops(steps, best);
            if (drops >= DROPS_TO_STOP && i + 1 < sizes.length) {
                skipped.put(label + " batch " + range(sizes, i + 1, probe), String.format(Locale.ROOT,
                        "not measured: throughput fell significantly at two sizes in a row (batch %d and %d, each"
                                + " confirmed twice) below its best (batch %d)", sizes[i - 1], size,
                        best.measurement().batchSize()));
                return;
            }
        }
    }

    /**
     * Measures {@code best}'s size again and keeps the lower of its two looks, in its place in {@code steps} and
     * {@code measured}; returns the best step after that. The lower: a drop that ends the climb must hold with the
     * step at the better of its two measurements and the best at the worse of its two.
     */
    private CandidateMeter.Timing lookAgain(LoadedModel model, int threads, CandidateMeter.Timing best,
                                            List<CandidateMeter.Timing> steps, List<Measurement> measured) {
        CandidateMeter.Timing again = meter.measure(model, best.measurement().batchSize(), threads,
                budget.sliceNanos(measured));
        if (again.medianRowsPerSecond() < best.medianRowsPerSecond()) {
            measured.set(measured.indexOf(best.measurement()), again.measurement());
            steps.set(steps.indexOf(best), again);
        }
        return steps.stream().max(Comparator.comparingDouble(CandidateMeter.Timing::medianRowsPerSecond))
                .orElseThrow();
    }

    /**
     * How many of the last steps, in a row, are significantly below {@code best}: each was measured twice when it
     * fell below the best of its time, which a second look can only have lowered.
     */
    private static int trailingDrops(List<CandidateMeter.Timing> steps, CandidateMeter.Timing best) {
        int drops = 0;
        for (int i = steps.size() - 1; i >= 0 && significantlyBelow(steps.get(i), best); i--) {
            drops++;
        }
        return drops;
    }

    private int[] sizes() {
        int[] sizes = Arrays.stream(settings.batchLadder()).filter(b -> b <= settings.maxBatchRows()).toArray();
        return sizes.length == 0 ? new int[] {settings.maxBatchRows()} : sizes;
    }

    /**
     * Whether the last step is not significantly above the best of {@link #TREND_STEPS} steps before it: larger
     * batches have stopped paying.
     */
    private static boolean onPlateau(List<CandidateMeter.Timing> steps) {
        int n = steps.size();
        if (n <= TREND_STEPS) {
            return false;
        }
        double anchor = steps.subList(0, n - TREND_STEPS).stream()
                .mapToDouble(CandidateMeter.Timing::medianRowsPerSecond).max().orElseThrow();
        return steps.get(n - 1).medianRowsPerSecond() <= anchor * (1 + MIN_SIGNIFICANT_DROP);
    }

    /**
     * The throughput gain per step of the recent trend, to be expected of the next step: the geometric mean over the
     * last {@link #TREND_STEPS} steps, capped at doubling. After the first size there is no trend yet: the second is
     * assumed to double throughput, as amortising the per-call cost over more rows commonly does.
     */
    private static double stepGain(List<CandidateMeter.Timing> steps) {
        int n = steps.size();
        if (n < 2) {
            return 1;
        }
        int span = Math.min(TREND_STEPS, n - 1);
        double ratio = steps.get(n - 1).medianRowsPerSecond() / steps.get(n - 1 - span).medianRowsPerSecond();
        return Math.min(1, Math.pow(ratio, 1.0 / span) - 1);
    }

    /**
     * Whether throughput is still climbing, and the recent gain, if the next size repeats it, would save more scoring
     * time than it costs.
     */
    private boolean worthClimbing(List<CandidateMeter.Timing> steps, double costNanos, List<Measurement> measured) {
        if (steps.isEmpty()) {
            return false;
        }
        double gain = stepGain(steps);
        boolean climbing = steps.size() > TREND_STEPS ? !onPlateau(steps) : gain > MIN_SIGNIFICANT_DROP;
        if (!climbing) {
            return false;
        }
        double savedNanos = budget.predictedScoringMillis(CalibrationBudget.best(measured)) * 1e6 * gain
                / (1 + gain);
        return savedNanos >= WORTH_CLIMBING * costNanos;
    }

    private static boolean significantlyBelow(CandidateMeter.Timing t, CandidateMeter.Timing best) {
        double noise = Math.max(MIN_SIGNIFICANT_DROP, t.relativeHalfWidth() + best.relativeHalfWidth());
        return t.medianRowsPerSecond() < best.medianRowsPerSecond() * (1 - noise);
    }

    /** The next size's cost if its time per row stays what it was at the last size (as this machine gives it now). */
    private static double predictedNanos(CandidateMeter.Timing last, int size) {
        return last == null ? 0 : CalibrationBudget.callsNanos(last.measurement().rowsPerSecond(), size);
    }

    /** The sizes from {@code from} on, as "a-b" runs, leaving out the probe's (measured before the ladder). */
    private static String range(int[] sizes, int from, CandidateMeter.Timing probe) {
        int probed = probe.measurement().batchSize();
        List<String> runs = new ArrayList<>();
        int start = -1;
        for (int i = from; i <= sizes.length; i++) {
            boolean in = i < sizes.length && sizes[i] != probed;
            if (in && start < 0) {
                start = i;
            } else if (!in && start >= 0) {
                runs.add(start == i - 1 ? Integer.toString(sizes[start]) : sizes[start] + "-" + sizes[i - 1]);
                start = -1;
            }
        }
        return String.join(", ", runs);
    }
}
