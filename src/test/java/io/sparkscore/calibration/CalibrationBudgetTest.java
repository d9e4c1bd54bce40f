package io.sparkscore.calibration;

import io.sparkscore.runtime.PredictionPath;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The measuring budget: a share of the scoring time the best plan so far predicts, within a floor and the total. */
class CalibrationBudgetTest {

    /** 1M rows/s measured so far. */
    private static final List<Measurement> MEASURED = List.of(
            new Measurement(PredictionPath.JVM, 100, 1, 10_000, 1_000_000, 1.0, 0.1, 0.1));

    private static long budget(long rows, int slots) {
        CalibrationSettings settings = CalibrationSettings.defaults().withBudget(100, 300, 30_000)
                .withJob(rows, slots);
        return new CalibrationBudget(settings, () -> 0L).millis(MEASURED);
    }

    @Test
    void theBudgetIsThreePercentOfThePredictedScoringTimeWithinItsBounds() {
        assertThat(budget(1_000, 1)).as("a tiny job still gets the floor")
                .isEqualTo(CalibrationSettings.MIN_BUDGET_MILLIS);
        assertThat(budget(200_000_000, 1)).as("3%% of a 200 s job").isEqualTo(6_000);
        assertThat(budget(200_000_000, 4)).as("3%% of 50 s: the job runs on 4 slots").isEqualTo(1_500);
        assertThat(budget(10_000_000_000L, 1)).as("never more than the total budget").isEqualTo(30_000);
        assertThat(budget(0, 1)).as("job size unknown").isEqualTo(30_000);
    }

    @Test
    void beforeAnythingIsMeasuredAJobOfKnownSizeGetsTheFloor() {
        CalibrationSettings settings = CalibrationSettings.defaults().withJob(200_000_000, 1);
        assertThat(new CalibrationBudget(settings, () -> 0L).millis(List.of()))
                .isEqualTo(CalibrationSettings.MIN_BUDGET_MILLIS);
    }

    @Test
    void modelBuildsAreNotCountedAsMeasuringTime() {
        long[] now = {0};
        CalibrationBudget budget = new CalibrationBudget(CalibrationSettings.defaults().withJob(1_000, 1),
                () -> now[0]);
        now[0] = CalibrationSettings.MIN_BUDGET_MILLIS * 1_000_000L + 50_000_000L;
        assertThat(budget.spent(MEASURED)).isTrue();
        budget.excuse(100_000_000L);
        assertThat(budget.spent(MEASURED)).isFalse();
    }

    @Test
    void theConfiguredTotalBoundsTheWholeRunBuildsIncluded() {
        long[] now = {0};
        CalibrationBudget budget = new CalibrationBudget(CalibrationSettings.defaults().withBudget(100, 300, 2_000),
                () -> now[0]);
        now[0] = 1_500_000_000L;
        budget.excuse(1_000_000_000L);
        assertThat(budget.remainingNanos(MEASURED)).as("0.5 s measured, 1.5 s of the 2 s total gone")
                .isEqualTo(500_000_000L);
    }
}
