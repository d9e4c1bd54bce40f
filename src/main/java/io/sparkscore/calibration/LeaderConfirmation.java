package io.sparkscore.calibration;

import io.sparkscore.runtime.LoadedModel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Measures the leading candidates again, in interleaved rounds (every leader once per round), and replaces each
 * leader's ladder measurement with its median round: a burst of load from another process then slows every leader's
 * round alike instead of deciding the plan, and one lucky slice cannot win on its own. Leaders whose medians end up
 * close get more rounds. The first round always runs; later ones only while the budget would, after the round (as
 * long as the leaders' calls predict it to take), be overdrawn by less than {@link #OVERDRAFT} of it, so that
 * leaders whose calls take long cannot stretch calibration far past its budget.
 */
final class LeaderConfirmation {

    /** Candidates this close to the best ladder measurement are confirmed. */
    static final double CONFIRM_WITHIN = 0.15;
    static final int MAX_LEADERS = 4;
    static final int ROUNDS = 3;
    /** Further rounds when the two best medians are within twice the tie tolerance. */
    static final int CLOSE_CALL_ROUNDS = 2;
    /** Rounds after the first run only while they leave the budget overdrawn by less than this share of it. */
    static final double OVERDRAFT = 0.5;

    private final CalibrationSettings settings;
    private final CandidateMeter meter;
    private final CalibrationBudget budget;

    LeaderConfirmation(CalibrationSettings settings, CandidateMeter meter, CalibrationBudget budget) {
        this.settings = settings;
        this.meter = meter;
        this.budget = budget;
    }

    /** Replaces the leaders' entries in {@code measured} by their median confirmation rounds. */
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
        List<Measurement> medians = rounds.values().stream().map(LeaderConfirmation::median)
                .sorted(Comparator.comparingDouble(Measurement::rowsPerSecond).reversed()).toList();
        if (medians.get(1).rowsPerSecond() >= medians.get(0).rowsPerSecond() * (1 - 2 * settings.tieTolerance())) {
            runRounds(rounds, models, slice, CLOSE_CALL_ROUNDS, measured);
        }
        rounds.forEach((ladder, r) -> measured.set(measured.indexOf(ladder), median(r)));
    }

    private void runRounds(Map<Measurement, List<Measurement>> rounds, Function<Measurement, LoadedModel> models,
                           long slice, int count, List<Measurement> measured) {
        double roundNanos = rounds.keySet().stream()
                .mapToDouble(l -> Math.max(slice, CalibrationBudget.callsNanos(l.meanRowsPerSecond(), l.batchSize())))
                .sum();
        for (int round = 0; round < count; round++) {
            boolean first = rounds.values().iterator().next().isEmpty();
            if (!first && budget.remainingNanos(measured) - roundNanos
                    < -OVERDRAFT * budget.millis(measured) * 1_000_000L) {
                return;
            }
            rounds.forEach((leader, r) -> r.add(meter.measure(models.apply(leader), leader.batchSize(),
                    leader.threads(), slice).measurement()));
        }
    }

    /** The round with the median throughput (the upper one of an even count). */
    private static Measurement median(List<Measurement> rounds) {
        List<Measurement> sorted = rounds.stream().sorted(Comparator.comparingDouble(Measurement::rowsPerSecond))
                .toList();
        return sorted.get(sorted.size() / 2);
    }
}
