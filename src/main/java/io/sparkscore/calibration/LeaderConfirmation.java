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
 * win on its own. Leaders whose medians end up close get more rounds. The first round runs unless it would pass the
 * configured total; later ones only while the budget would, after the round (as long as the leaders' calls predict it
 * to take), be overdrawn by less than {@link #OVERDRAFT} of it, so that leaders whose calls take long cannot stretch
 * calibration far past its budget.
 */
final class LeaderConfirmation {

    /** Candidates this close to the best ladder measurement are confirmed. */
    static final double CONFIRM_WITHIN = 0.15;
    static final int MAX_LEADERS = 4;
    static final int ROUNDS = 3;
    /** Further rounds when the two best medians are within twice the tie tolerance. */
    static final int CLOSE_CALL_ROUNDS = 2;
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
        Map<Measurement, List<Measurement>> rounds = new LinkedHashMap<>();
        leaders.forEach(l -> rounds.put(l, new ArrayList<>()));
        runRounds(rounds, models, slice, ROUNDS, measured);
        if (rounds.values().iterator().next().isEmpty()) {
            return; // not even one round fits in the configured total: the ladder's measurements stand
        }
        List<Measurement> medians = normalisedMedians(rounds).values().stream()
                .sorted(Comparator.comparingDouble(Measurement::rowsPerSecond).reversed()).toList();
        if (medians.get(1).rowsPerSecond() >= medians.get(0).rowsPerSecond() * (1 - 2 * settings.tieTolerance())) {
            runRounds(rounds, models, slice, CLOSE_CALL_ROUNDS, measured);
        }
        normalisedMedians(rounds).forEach((ladder, median) -> measured.set(measured.indexOf(ladder), median));
    }

    /**
     * Each leader's median round, judged relative to its round: every rate is divided by the geometric mean of the
     * leaders' rates in that round, which takes out how loaded the machine was while the round ran (load comes in
     * phases longer than a round). The median of those relative rates, times the geometric mean over all rounds,
     * becomes the leader's rows/s; the rest of the entry (its mean rate, its batches) is its median round's.
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
                    m.seconds(), m.batchSize() * 1000.0 / rate, m.p95BatchMillis()));
        });
        return medians;
    }

    private static double geometricMean(double[] values) {
        return Math.exp(Arrays.stream(values).map(Math::log).average().orElseThrow());
    }

    private void runRounds(Map<Measurement, List<Measurement>> rounds, Function<Measurement, LoadedModel> models,
                           long slice, int count, List<Measurement> measured) {
        double roundNanos = rounds.keySet().stream()
                .mapToDouble(l -> Math.max(slice, CalibrationBudget.callsNanos(l.meanRowsPerSecond(), l.batchSize())))
                .sum();
        for (int round = 0; round < count; round++) {
            boolean first = rounds.values().iterator().next().isEmpty();
            boolean overdrawn = budget.remainingNanos(measured) - roundNanos
                    < -OVERDRAFT * budget.millis(measured) * 1_000_000L;
            if ((!first && overdrawn) || roundNanos > budget.totalRemainingNanos()) {
                return;
            }
            rounds.forEach((leader, r) -> r.add(meter.measure(models.apply(leader), leader.batchSize(),
                    leader.threads(), slice).measurement()));
        }
    }
}
