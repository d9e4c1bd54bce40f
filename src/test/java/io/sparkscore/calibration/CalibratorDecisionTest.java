package io.sparkscore.calibration;

import io.sparkscore.runtime.PredictionPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

import static io.sparkscore.runtime.PredictionPath.JVM;
import static io.sparkscore.runtime.PredictionPath.TF;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The calibrator's decisions from given measurements ({@link ScriptedMeter}: scripted rows/s and a fake clock), so
 * that what is asserted is the shape of the decision, never how fast this machine is.
 */
class CalibratorDecisionTest {

    /** rows/s rising to a plateau at batch 1024 (10M rows/s), then falling off slowly. */
    private static final IntToDoubleFunction PEAK_AT_1024 = b -> switch (b) {
        case 1 -> 1e6;
        case 4 -> 3e6;
        case 16 -> 6e6;
        case 64 -> 8e6;
        case 256 -> 9e6;
        case 1024 -> 10e6;
        case 4096 -> 9.0e6;
        case 16384 -> 8.5e6;
        default -> 8e6;
    };

    private static CalibrationReport run(CalibrationSettings settings, ScriptedMeter meter, ModelProvider models,
                                         PredictionPath... paths) {
        return new Calibrator(settings, meter.clock::get).run(List.of(paths), Map.of(), models,
                ScriptedMeter.sample(), meter, "test");
    }

    @Test
    void aNoisyStepDoesNotStopTheLadder() {
        // batch 64 and 256 each come out at a third of their speed once: the old rule stopped the ladder there
        ScriptedMeter meter = new ScriptedMeter(Map.of(JVM, PEAK_AT_1024))
                .noisy(JVM, 64, 1, 0.33).noisy(JVM, 256, 1, 0.33);
        CalibrationReport report = run(CalibrationSettings.defaults(), meter, new ScriptedMeter.RecordingModels(),
                JVM);

        assertThat(meter.measuredBatches(JVM)).contains(1024, 4096);
        assertThat(report.chosen()).isEqualTo(new Plan(JVM, 1024, 1));
    }

    @Test
    void twoConfirmedDropsInARowEndTheLadderAndTheRestIsReportedAsSkipped() {
        IntToDoubleFunction peakAt16 = b -> b <= 16 ? 1e6 * b : 16e6 / (b / 16.0);
        ScriptedMeter meter = new ScriptedMeter(Map.of(JVM, peakAt16));
        CalibrationReport report = run(CalibrationSettings.defaults(), meter, new ScriptedMeter.RecordingModels(),
                JVM);

        assertThat(meter.measuredBatches(JVM)).doesNotContain(1024, 4096);
        assertThat(report.skippedCandidates()).containsKey("jvm batch 1024-65536");
        assertThat(report.skippedCandidates().get("jvm batch 1024-65536"))
                .contains("throughput fell significantly at two sizes in a row (batch 64 and 256");
        assertThat(report.chosen()).isEqualTo(new Plan(JVM, 16, 1));
    }

    @Test
    void onAPlateauTheLadderLooksOneCostlierSizeFurtherThenStops() {
        // 1,000 rows/s at every size: batch 256 takes a second, past the 300 ms slice; batch 1024 would take 4 s
        ScriptedMeter meter = new ScriptedMeter(Map.of(JVM, b -> 1e3));
        CalibrationReport report = run(CalibrationSettings.defaults(), meter, new ScriptedMeter.RecordingModels(),
                JVM);

        assertThat(meter.measuredBatches(JVM)).contains(64, 256).doesNotContain(1024);
        assertThat(report.skippedCandidates().get("jvm batch 1024-65536")).startsWith("not measured: throughput"
                + " stopped rising at batch").endsWith("also one size further");
        List<Integer> measured = meter.measuredBatches(JVM).stream().distinct().sorted().toList();
        assertThat(report.chosen()).as("the middle of the flat sizes measured, %s", measured)
                .isEqualTo(new Plan(JVM, measured.get(measured.size() / 2), 1));
    }

    @Test
    void theJvmPathIsWarmedAndProbedBeforeItsLadderStarts() {
        ScriptedMeter meter = new ScriptedMeter(Map.of(JVM, PEAK_AT_1024));
        run(CalibrationSettings.defaults(), meter, new ScriptedMeter.RecordingModels(), JVM);

        assertThat(meter.log).startsWith("warm jvm/64", "measure jvm/64", "measure jvm/1");
        assertThat(meter.measuredBatches(JVM).stream().filter(b -> b == 64).count())
                .as("the probe, then batch 64's step in the warm ladder").isEqualTo(2);
    }

    @Test
    void everyPathIsProbedAndTheFastestClimbsFirst() {
        // jvm is cheap to build, so it is probed first, but tf is 100x faster: a jvm ladder first would spend a
        // budget set by jvm's rate (the 30 s cap here) before tf's rate brought it down to 0.25 s
        ScriptedMeter meter = new ScriptedMeter(Map.of(JVM, b -> 2e3, TF, b -> Math.min(4e3 * b, 4e5)));
        CalibrationReport report = run(CalibrationSettings.defaults().withJob(100_000_000, 2), meter,
                new ScriptedMeter.RecordingModels(), TF, JVM);

        assertThat(meter.log).containsSubsequence("warm jvm/64", "measure jvm/64", "measure tf/64", "measure tf/1",
                "measure jvm/1");
        assertThat(meter.log.indexOf("measure jvm/1")).as("tf's whole ladder before jvm's")
                .isGreaterThan(meter.log.indexOf("measure tf/1024"));
        assertThat(meter.measuredBatches(JVM)).as("jvm, 200x slower, gets the cheap sizes only").doesNotContain(1024);
        assertThat(report.chosen().path()).isEqualTo(TF);
    }

    @Test
    void leadersAreRemeasuredInInterleavedRoundsAndOneLuckySliceDoesNotWin() {
        // the ladder's only slice at 4096 is 30% lucky: taken at face value it would win
        ScriptedMeter meter = new ScriptedMeter(Map.of(JVM, PEAK_AT_1024)).noisy(JVM, 4096, 1, 1.3);
        CalibrationReport report = run(CalibrationSettings.defaults(), meter, new ScriptedMeter.RecordingModels(),
                JVM);

        assertThat(report.chosen()).isEqualTo(new Plan(JVM, 1024, 1));
        List<String> confirmation = meter.log.subList(meter.log.size() - 6, meter.log.size());
        assertThat(confirmation.get(0)).isNotEqualTo(confirmation.get(1));
        assertThat(confirmation.subList(0, 3)).isNotEqualTo(List.of(confirmation.get(0), confirmation.get(0),
                confirmation.get(0)));
    }

    @Test
    void leadersAreJudgedAgainstTheirOwnRoundsSoALoadPhaseHittingOneOfThemDoesNotDecide() {
        // 1024 is the best (10M rows/s against 9.5M at 4096); a load phase slows both in round 2, then only 1024 in
        // rounds 3 and 4 (it is measured first in each round): raw medians would put 4096 ahead
        IntToDoubleFunction rates = b -> switch (b) {
            case 1024 -> 10e6;
            case 4096 -> 9.5e6;
            case 16384 -> 6e6;
            case 65536 -> 5e6;
            default -> Math.min(5e6, 5e4 * b);
        };
        ScriptedMeter meter = new ScriptedMeter(Map.of(JVM, rates))
                .noisy(JVM, 1024, 4, 0.6).noisy(JVM, 1024, 5, 0.6).noisy(JVM, 1024, 6, 0.6)
                .noisy(JVM, 4096, 3, 0.6);
        CalibrationReport report = run(CalibrationSettings.defaults(), meter, new ScriptedMeter.RecordingModels(),
                JVM);

        assertThat(meter.measuredBatches(JVM).stream().filter(b -> b == 1024).count())
                .as("the ladder, a second look when 16384 fell, then every round: the load phase leaves the two"
                        + " undecided").isEqualTo(2 + LeaderConfirmation.MAX_ROUNDS);
        assertThat(report.chosen()).isEqualTo(new Plan(JVM, 1024, 1));
    }

    @Test
    void aClearWinnerIsSettledInTheFewestRounds() {
        IntToDoubleFunction rates = b -> b < 1024 ? 1e4 * b : b == 1024 ? 10e6 : 9.5e6;
        ScriptedMeter meter = new ScriptedMeter(Map.of(JVM, rates));
        run(CalibrationSettings.defaults(), meter, new ScriptedMeter.RecordingModels(), JVM);

        assertThat(meter.measuredBatches(JVM).stream().filter(b -> b == 1024).count()).as("the ladder, then rounds")
                .isEqualTo(1 + LeaderConfirmation.MIN_ROUNDS);
    }

    @Test
    void aLuckySliceOfTheBestIsLookedAtAgainBeforeDropsEndTheLadder() {
        // batch 64's ladder step is 45% lucky: against it, 256 and 1024 look like two confirmed drops
        IntToDoubleFunction rates = b -> switch (b) {
            case 1 -> 2e3;
            case 4 -> 8e3;
            case 16 -> 20e3;
            case 64 -> 26e3;
            case 256 -> 27e3;
            case 1024 -> 28e3;
            case 4096 -> 30e3;
            default -> 29e3;
        };
        // the probe is 64's first measurement, the ladder's step its second
        ScriptedMeter meter = new ScriptedMeter(Map.of(TF, rates)).noisy(TF, 64, 2, 1.45);
        CalibrationReport report = run(CalibrationSettings.defaults(), meter, new ScriptedMeter.RecordingModels(),
                TF);

        assertThat(meter.measuredBatches(TF)).contains(4096);
        assertThat(report.chosen()).isEqualTo(new Plan(TF, 4096, 1));
    }

    @Test
    void aSecondLookAtTheBestThatComesOutHigherTurnsNoEarlierStepIntoADrop() {
        // 1024 falls 20% below 64; the second look at 64 is 12% lucky: against it, 256 (7.5% below 64) would be a
        // second drop that was never measured twice, and the ladder would stop before 4096
        IntToDoubleFunction rates = b -> switch (b) {
            case 1 -> 2e3;
            case 4 -> 8e3;
            case 16 -> 20e3;
            case 64 -> 40e3;
            case 256 -> 37e3;
            case 1024 -> 32e3;
            case 4096 -> 42e3;
            default -> 30e3;
        };
        // the probe is 64's first measurement, the ladder's step its second, the second look its third
        ScriptedMeter meter = new ScriptedMeter(Map.of(TF, rates)).noisy(TF, 64, 3, 1.12);
        CalibrationReport report = run(CalibrationSettings.defaults(), meter, new ScriptedMeter.RecordingModels(),
                TF);

        assertThat(meter.measuredBatches(TF)).contains(4096);
        assertThat(report.chosen()).isEqualTo(new Plan(TF, 4096, 1));
    }

    @Test
    void aSmallBatchWhoseSlicesSwingIsRemeasuredUntilItsLuckRunsOut() {
        // medium_cal's tf path on a shared machine: batch 64 runs at 26k rows/s, but now and then a slice at 34k,
        // while 4096 holds 31.7k. The ladder's 64 was lucky (by less than a drop's 10%, so the ladder went on), and
        // so were the first and third rounds: three rounds say 64, by 7%; the rounds after them do not
        IntToDoubleFunction rates = b -> switch (b) {
            case 1 -> 2e3;
            case 4 -> 8e3;
            case 16 -> 20e3;
            case 64 -> 26e3;
            case 4096 -> 31.7e3;
            default -> 30.7e3;
        };
        // the probe is 64's first measurement, the ladder's step its second, the rounds the rest
        ScriptedMeter meter = new ScriptedMeter(Map.of(TF, rates)).noisy(TF, 64, 2, 1.31).noisy(TF, 64, 3, 1.31)
                .noisy(TF, 64, 5, 1.31);
        CalibrationReport report = run(CalibrationSettings.defaults(), meter, new ScriptedMeter.RecordingModels(),
                TF);

        assertThat(meter.measuredBatches(TF).stream().filter(b -> b == 4096).count()).as("4096 confirmed in more"
                + " rounds than the fewest").isGreaterThan(1 + LeaderConfirmation.MIN_ROUNDS);
        assertThat(report.chosen()).isEqualTo(new Plan(TF, 4096, 1));
    }

    @Test
    void aLeaderTooCostlyToConfirmIsLeftOutOfTheRoundsAndTheOthersAreConfirmed() {
        // a 16 s total: the ladder ends with batch 65536 (7 s) leading; a round with it (3.6 s more) would pass the
        // total, a round of the other leaders (1.6 s) does not
        IntToDoubleFunction rates = b -> switch (b) {
            case 1 -> 2e3;
            case 4 -> 7e3;
            case 16 -> 16e3;
            case 64 -> 24e3;
            case 256 -> 27e3;
            case 1024 -> 29e3;
            case 4096 -> 30e3;
            case 16384 -> 34e3;
            default -> 36e3;
        };
        ScriptedMeter meter = new ScriptedMeter(Map.of(TF, rates));
        CalibrationReport report = run(CalibrationSettings.defaults().withBudget(100, 300, 16_000), meter,
                new ScriptedMeter.RecordingModels(), TF);

        assertThat(meter.measuredBatches(TF).stream().filter(b -> b == 65536).count()).as("measured in the ladder"
                + " only").isEqualTo(1);
        assertThat(meter.measuredBatches(TF).stream().filter(b -> b == 16384).count()).as("16384 confirmed")
                .isGreaterThan(1);
        assertThat(report.chosen()).as("on its ladder measurement").isEqualTo(new Plan(TF, 65536, 1));
        assertThat(report.durationMillis()).isLessThanOrEqualTo(16_000);
    }

    @Test
    void plansAreJudgedOnTheRateTheirMeasurementsDelivered() {
        // batch 64's median round promises 40k rows/s, but its slow rounds leave it delivering 30k, less than 4096's
        // steady 39k: a job would get the 30k
        IntToDoubleFunction rates = b -> switch (b) {
            case 1 -> 2e3;
            case 4 -> 8e3;
            case 16 -> 20e3;
            case 64 -> 40e3;
            case 256, 1024 -> 37e3;
            case 4096 -> 39e3;
            default -> 35e3;
        };
        ScriptedMeter meter = new ScriptedMeter(Map.of(TF, rates)).delivers(TF, 64, 0.75);
        CalibrationReport report = run(CalibrationSettings.defaults(), meter, new ScriptedMeter.RecordingModels(),
                TF);

        assertThat(report.chosen()).isEqualTo(new Plan(TF, 4096, 1));
        assertThat(report.measurements()).filteredOn(m -> m.batchSize() == 64).singleElement()
                .satisfies(m -> assertThat(m.rowsPerSecond()).isLessThan(31e3));
    }

    @Test
    void aSmallJobNeitherBuildsTensorFlowNorSpendsMoreThanAFractionOfASecond() {
        // 1M rows on 2 slots at ~10M rows/s: 50 ms of scoring; tf could save at most that, far less than its build
        ScriptedMeter meter = new ScriptedMeter(Map.of(JVM, PEAK_AT_1024, TF, b -> 20e6));
        ScriptedMeter.RecordingModels models = new ScriptedMeter.RecordingModels();
        CalibrationReport report = run(CalibrationSettings.defaults().withJob(1_000_000, 2), meter, models, TF,
                JVM);

        assertThat(models.built).containsExactly("jvm");
        assertThat(report.measurements()).extracting(Measurement::path).containsOnly(JVM);
        assertThat(report.skippedCandidates().get("tf (1 thread)")).startsWith("not built: even with free kernels"
                + " it could save at most");
        assertThat(report.durationMillis()).as("calibration of a 50 ms job, by the fake clock")
                .isLessThan(4 * CalibrationSettings.MIN_BUDGET_MILLIS);
        assertThat(models.released).isEmpty();
    }

    @Test
    void aLargeJobMeasuresTensorFlowAndTheLosingPathsModelIsReleased() {
        ScriptedMeter meter = new ScriptedMeter(Map.of(JVM, b -> 2e3, TF, b -> Math.min(4e3 * b, 4e5)));
        ScriptedMeter.RecordingModels models = new ScriptedMeter.RecordingModels()
                .buildTakes(JVM, 30, meter.clock).buildTakes(TF, 1_200, meter.clock);
        CalibrationReport report = run(CalibrationSettings.defaults().withJob(100_000_000, 2), meter, models, TF,
                JVM);

        assertThat(models.built).containsExactly("jvm", "tf");
        assertThat(report.chosen().path()).isEqualTo(TF);
        assertThat(models.released).containsExactly("jvm");
        assertThat(report.chosenBuildMillis()).as("the tf build, which scoring reuses").isEqualTo(1_200);
        assertThat(report.addedMillis()).isEqualTo(report.durationMillis() - 1_200);
    }

    @Test
    void aConfirmationRoundThatWouldOverdrawTheBudgetIsNotStarted() {
        // flat at 100k rows/s from batch 1024: the budget is 3.3 s (3% of 22M rows over 2 slots at 100k rows/s), a
        // round of the leaders 1024, 4096 and 16384 about 0.55 s; rounds go on only while they leave the budget
        // overdrawn by less than a quarter
        ScriptedMeter meter = new ScriptedMeter(Map.of(TF, b -> Math.min(100.0 * b, 1e5)));
        CalibrationSettings job = CalibrationSettings.defaults().withJob(22_000_000, 2);
        CalibrationReport report = run(job, meter, new ScriptedMeter.RecordingModels(), TF);

        List<Integer> measured = meter.measuredBatches(TF);
        assertThat(measured).as("the ladder, then confirmation rounds").containsSubsequence(1024, 4096, 16384,
                1024, 4096, 16384);
        assertThat(measured.stream().filter(b -> b == 16384).count()).as("%s", measured)
                .isLessThan(1 + LeaderConfirmation.MIN_ROUNDS);
        assertThat(report.durationMillis()).isLessThanOrEqualTo((long) (3_300 * (1 + LeaderConfirmation.OVERDRAFT)));
    }

    @Test
    void leadersWhoseCallsOutlastASliceAreLeftOutOfRoundsThatWouldOverdrawAJobsBudget() {
        // rising to 100k rows/s at 16384: a 10M-row job's budget is 1.5 s, which the ladder's steep climb to 65536
        // (2.6 s, worth it for a 50 s job) has overdrawn; a round of 65536, 16384 and 4096 would add 1.7 s
        IntToDoubleFunction rates = b -> switch (b) {
            case 1024 -> 5e4;
            case 4096 -> 9e4;
            case 16384, 65536 -> 1e5;
            default -> 100.0 * b;
        };
        ScriptedMeter meter = new ScriptedMeter(Map.of(TF, rates));
        CalibrationReport report = run(CalibrationSettings.defaults().withJob(10_000_000, 2), meter,
                new ScriptedMeter.RecordingModels(), TF);

        assertThat(meter.measuredBatches(TF)).as("the ladder only, no round of the one leader left")
                .containsOnlyOnce(16384, 65536).endsWith(65536);
        assertThat(report.chosen().batchSize()).isIn(16384, 65536);
    }

    @Test
    void theConfiguredTotalBoundsTheWholeRunConfirmationIncluded() {
        // job size unknown, total 2.5 s: the leaders 1024, 4096 and 16384 take 0.9 s a round, which the ladder
        // leaves no room for
        ScriptedMeter meter = new ScriptedMeter(Map.of(TF, b -> Math.min(100.0 * b, 1e5)));
        ScriptedMeter.RecordingModels models = new ScriptedMeter.RecordingModels().buildTakes(TF, 300, meter.clock);
        CalibrationReport report = run(CalibrationSettings.defaults().withBudget(100, 300, 2_500), meter, models, TF);

        assertThat(report.durationMillis()).as("build, ladder and rounds").isLessThanOrEqualTo(2_500);
        assertThat(report.measurements()).isNotEmpty();
    }

    @Test
    void aDipBeforeASecondPeakIsLookedPastWhenTheBudgetAffordsIt() {
        // medium_cal's tf path on the benchmark machine: 64 leads, 1024 dips, 4096 leads again by 5%
        IntToDoubleFunction dip = b -> switch (b) {
            case 1 -> 2e3;
            case 4 -> 8e3;
            case 16 -> 20e3;
            case 64 -> 38e3;
            case 256 -> 36e3;
            case 1024 -> 30e3;
            case 4096 -> 40e3;
            default -> 34e3;
        };
        ScriptedMeter meter = new ScriptedMeter(Map.of(TF, dip));
        CalibrationReport report = run(CalibrationSettings.defaults().withJob(5_000_000, 2), meter,
                new ScriptedMeter.RecordingModels(), TF);

        assertThat(meter.measuredBatches(TF)).contains(4096).doesNotContain(16384);
        assertThat(report.chosen()).isEqualTo(new Plan(TF, 4096, 1));
    }

    @Test
    void aCurveRisingEightPercentPerStepIsClimbedToItsTop() {
        // the medium benchmark model's tf curve: steep to batch 64, then ~8% per step to 4096, where it levels off;
        // judged step by step, each step's gain is below the 10% noise allowance and the ladder stopped at 256
        IntToDoubleFunction slowRise = b -> switch (b) {
            case 1 -> 2e3;
            case 4 -> 6e3;
            case 16 -> 15e3;
            case 64 -> 24e3;
            case 256 -> 26e3;
            case 1024 -> 28.1e3;
            default -> 30.4e3;
        };
        ScriptedMeter meter = new ScriptedMeter(Map.of(TF, slowRise));
        CalibrationReport report = run(CalibrationSettings.defaults(), meter, new ScriptedMeter.RecordingModels(),
                TF);

        assertThat(meter.measuredBatches(TF)).contains(4096, 16384, 65536);
        assertThat(report.chosen()).as("the middle of the plateau 4096-65536").isEqualTo(new Plan(TF, 16384, 1));
    }

    @Test
    void aModelThisJvmAlreadyHoldsIsMeasuredForFreeAndNotReleased() {
        ScriptedMeter meter = new ScriptedMeter(Map.of(JVM, PEAK_AT_1024, TF, b -> Math.min(1e4 * b, 5e6)));
        ScriptedMeter.RecordingModels models = new ScriptedMeter.RecordingModels(TF);
        CalibrationReport report = run(CalibrationSettings.defaults().withJob(1_000_000, 2), meter, models, TF,
                JVM);

        assertThat(report.measurements()).extracting(Measurement::path).contains(JVM, TF);
        assertThat(report.chosen().path()).isEqualTo(JVM);
        assertThat(models.released).isEmpty();
    }

    @Test
    void theJobsSizeUnknownEveryPathIsMeasured() {
        ScriptedMeter meter = new ScriptedMeter(Map.of(JVM, PEAK_AT_1024, TF, b -> Math.min(1e4 * b, 5e6)));
        ScriptedMeter.RecordingModels models = new ScriptedMeter.RecordingModels();
        CalibrationReport report = run(CalibrationSettings.defaults(), meter, models, TF, JVM);

        assertThat(models.built).containsExactly("jvm", "tf");
        assertThat(report.chosen().path()).isEqualTo(JVM);
        assertThat(models.released).containsExactly("tf");
    }

    @Test
    void aTensorFlowBuildThisExecutorMeasuredBeforeDecidesWhetherItCanPay() {
        // 60M rows on 2 slots at 10M rows/s: 3 s of scoring, of which tf could save at most 1.5 s (conversion stays)
        CalibrationSettings job = CalibrationSettings.defaults().withJob(60_000_000, 2);
        ScriptedMeter.RecordingModels estimated = new ScriptedMeter.RecordingModels();
        run(job, new ScriptedMeter(Map.of(JVM, PEAK_AT_1024, TF, b -> 20e6)), estimated, TF, JVM);
        ScriptedMeter.RecordingModels slowBuild = new ScriptedMeter.RecordingModels().builtBefore(TF, 4_000);
        CalibrationReport report = run(job, new ScriptedMeter(Map.of(JVM, PEAK_AT_1024, TF, b -> 20e6)), slowBuild,
                TF, JVM);

        assertThat(estimated.built).as("built: 1.5 s saved pays the estimated 1 s build").containsExactly("jvm", "tf");
        assertThat(slowBuild.built).as("a 4 s build measured here does not pay").containsExactly("jvm");
        assertThat(report.skippedCandidates().get("tf (1 thread)"))
                .endsWith("less than building its model costs (4000 ms, measured when this executor last built it)");
    }
}
