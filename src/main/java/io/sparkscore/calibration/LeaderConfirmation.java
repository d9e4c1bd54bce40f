package io.sparkscore.calibration;

import io.sparkscore.runtime.LoadedModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Measures the leading candidates again, in interleaved rounds (every leader once per round), and replaces each
 * leader's ladder measurement with its median round relative to the other leaders in the same round: a burst of load
 * from another process then slows every leader's round alike instead of deciding the plan, and one lucky slice cannot
 * win on its own. After {@link #MIN_ROUNDS}, rounds go on, up to {@link #MAX_ROUNDS}, while the two best are neither
 * clearly apart nor clearly tied ({@link #decided}): on a shared machine small batches swing by a quarter between
 * slices while large ones hold steady, so a few rounds can crown whichever size had a lucky second. The first round
 * runs unless it would pass the configured total; later ones only while the budget would, after the round (as long
 * as the leaders' calls predict it to take), be overdrawn by less than {@link #OVERDRAFT} of it, so that leaders whose
 * calls take long cannot stretch calibration far past its budget. For the same reason the costliest leaders are left
 * out of the rounds (their ladder measurements stand) while a round would pass the configured total, or overdraw the
 * budget that much with a leader whose calls outlast a slice, so that the others can still be confirmed. Rates are what each measurement delivered ({@link Measurement#rowsPerSecond()}): a round's rate
 * is its rows over its time, as a job sees it.
 */
final class LeaderConfirmation {

    /** Candidates this close to the best ladder measurement are confirmed. */
    static final double CONFIRM_WITHIN = 0.25;
    static final int MAX_LEADERS = 4;
    static final int MIN_ROUNDS = 3;
    static final int MAX_ROUNDS = 9;
    /** Two leaders are clearly apart when their mean log ratio over the rounds is this many standard errors. */
    private static final double SIGNIFICANT_ERRORS = 2;
    /** Rounds after the first run only while they leave the budget overdrawn by less than this share of it. */
    static final double OVERDRAFT = 0.25;

    private final CalibrationSettings settings;
    private final CandidateMeter meter;
    private final CalibrationBudget budget;

    LeaderConfirmation(CalibrationSettings settings, CandidateMeter meter, CalibrationBudget budget) {
        this.settings = settings;
        this.meter = meter;
        this.budget = budget;
    }

    /** Replaces the leaders' entries in {@code measured} by their median rounds ({@link #normalisedMedians}). */
    void confirm(List<Measurement> measured, Function<Measurement, LoadedModel> models) {
        if (measured.size() < 2) {
            return;
        }
        double best = CalibrationBudget.best(measured);
        List<Measurement> leaders = measured.stream()
                .filter(m -> m.rowsPerSecond() >= best * (1 - CONFIRM_WITHIN))
                .sorted(Comparator.comparingDouble(Measurement::rowsPerSecond).reversed())
                .limit(MAX_LEADERS)
                .toList();
        if (leaders.size() < 2) {
            return;
        }
        long slice = budget.sliceNanos(measured);
        List<Measurement> confirmable = new ArrayList<>(leaders);
        while (!confirmable.isEmpty() && tooCostly(confirmable, slice, measured)) {
            confirmable.remove(costliest(confirmable, slice));
        }
        if (confirmable.size() < 2) {
            return; // no round of two leaders fits: the ladder's measurements stand
        }
        Map<Measurement, List<Measurement>> rounds = new LinkedHashMap<>();
        confirmable.forEach(l -> rounds.put(l, new ArrayList<>()));
        runRounds(rounds, models, slice, measured);
        if (rounds.values().iterator().next().isEmpty()) {
            return; // the time left ran out while the leaders were chosen: the ladder's measurements stand
        }
        normalisedMedians(rounds).forEach((ladder, median) -> measured.set(measured.indexOf(ladder), median));
    }

    /**
     * Whether a round of {@code leaders} would pass the configured total, or would leave the budget overdrawn by more
     * than {@link #OVERDRAFT} while its costliest leader's calls outlast a slice: a round of slice-sized leaders
     * always runs once, but a leader whose calls take long must not stretch a job's calibration past its budget.
     */
    private boolean tooCostly(List<Measurement> leaders, long slice, List<Measurement> measured) {
        double round = roundNanos(leaders, slice);
        return round > budget.totalRemainingNanos()
                || (overdrawn(round, measured) && callNanos(costliest(leaders, slice), slice) > slice);
    }

    private boolean overdrawn(double roundNanos, List<Measurement> measured) {
        return budget.remainingNanos(measured) - roundNanos < -OVERDRAFT * budget.millis(measured) * 1_000_000L;
    }

    private static Measurement costliest(List<Measurement> leaders, long slice) {
        return leaders.stream().max(Comparator.comparingDouble(l -> callNanos(l, slice))).orElseThrow();
    }

    private static double callNanos(Measurement leader, long slice) {
        return Math.max(slice, CalibrationBudget.callsNanos(leader.rowsPerSecond(), leader.batchSize(),
                TimedMeter.MIN_CALLS_PER_REMEASUREMENT));
    }

    private static double roundNanos(List<Measurement> leaders, long slice) {
        return leaders.stream().mapToDouble(l -> callNanos(l, slice)).sum();
    }

    private void runRounds(Map<Measurement, List<Measurement>> rounds, Function<Measurement, LoadedModel> models,
                           long slice, List<Measurement> measured) {
        double roundNanos = roundNanos(List.copyOf(rounds.keySet()), slice);
        for (int round = 0; round < MAX_ROUNDS; round++) {
            if ((round > 0 && overdrawn(roundNanos, measured)) || roundNanos > budget.totalRemainingNanos()
                    || (round >= MIN_ROUNDS && decided(rounds))) {
                return;
            }
            rounds.forEach((leader, r) -> r.add(meter.remeasure(models.apply(leader), leader.batchSize(),
                    leader.threads(), slice).measurement()));
        }
    }

    /**
     * Whether the rounds so far settle the choice between the two best leaders (by {@link #normalisedMedians}): the
     * mean of their per-round log ratios is {@link #SIGNIFICANT_ERRORS} standard errors from zero (one is better), or
     * within the tie tolerance by that margin (either will do).
     */
    private boolean decided(Map<Measurement, List<Measurement>> rounds) {
        List<Measurement> order = normalisedMedians(rounds).entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<Measurement, Measurement> e) ->
                        e.getValue().rowsPerSecond()).reversed())
                .map(Map.Entry::getKey).toList();
        List<Measurement> first = rounds.get(order.get(0));
        List<Measurement> second = rounds.get(order.get(1));
        int n = first.size();
        double[] logRatios = new double[n];
        for (int r = 0; r < n; r++) {
            logRatios[r] = Math.log(first.get(r).rowsPerSecond() / second.get(r).rowsPerSecond());
        }
        double mean = Arrays.stream(logRatios).average().orElseThrow();
        double variance = Arrays.stream(logRatios).map(d -> (d - mean) * (d - mean)).sum() / (n - 1);
        double margin = SIGNIFICANT_ERRORS * Math.sqrt(variance / n);
        return Math.abs(mean) > margin || Math.abs(mean) + margin < settings.tieTolerance();
    }

    /**
     * Each leader's median round, judged relative to its round: every rate is divided by the geometric mean of the
     * leaders' rates in that round, which takes out how loaded the machine was while the round ran (load comes in
     * phases longer than a round). The median of those relative rates, times the geometric mean over all rounds,
     * becomes the leader's rows/s (its time is set to match); the rest of the entry (its rows, batches and round
     * percentiles) is its median round's.
     */
    private static Map<Measurement, Measurement> normalisedMedians(Map<Measurement, List<Measurement>> rounds) {
        int count = rounds.values().iterator().next().size();
        double[] roundMeans = new double[count];
        for (int r = 0; r < count; r++) {
            int round = r;
            roundMeans[r] = geometricMean(rounds.values().stream().mapToDouble(l -> l.get(round).rowsPerSecond())
                    .toArray());
        }
        double scale = geometricMean(roundMeans);
        Map<Measurement, Measurement> medians = new LinkedHashMap<>();
        rounds.forEach((leader, r) -> {
            Integer[] order = new Integer[count];
            for (int i = 0; i < count; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble(i -> r.get(i).rowsPerSecond() / roundMeans[i]));
            int median = order[count / 2];
            Measurement m = r.get(median);
            double rate = m.rowsPerSecond() / roundMeans[median] * scale;
            medians.put(leader, new Measurement(m.path(), m.batchSize(), m.threads(), m.batches(), m.rows(),
                    m.rows() / rate, m.p50BatchMillis(), m.p95BatchMillis()));
        });
        return medians;
    }

    private static double geometricMean(double[] values) {
        return Math.exp(Arrays.stream(values).map(Math::log).average().orElseThrow());
    }
}
