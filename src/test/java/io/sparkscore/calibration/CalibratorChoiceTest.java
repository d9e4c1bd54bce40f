package io.sparkscore.calibration;

import io.sparkscore.runtime.PredictionPath;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decision rule on given measurements: best throughput wins, ties on a plateau go to its middle size. */
class CalibratorChoiceTest {

    private final Calibrator calibrator = new Calibrator(CalibrationSettings.defaults());

    private static Measurement m(PredictionPath path, int batch, int threads, double rowsPerSecond) {
        long batches = 100;
        long rows = batches * batch;
        return new Measurement(path, batch, threads, batches, rows, rows / rowsPerSecond, batch * 1000 / rowsPerSecond,
                batch * 1000 / rowsPerSecond);
    }

    @Test
    void choosesTheHighestThroughput() {
        Plan plan = calibrator.choose(List.of(
                m(PredictionPath.TF, 1024, 1, 2e6),
                m(PredictionPath.JVM, 256, 1, 9e6),
                m(PredictionPath.JVM, 1024, 1, 6e6)));
        assertThat(plan).isEqualTo(new Plan(PredictionPath.JVM, 256, 1));
    }

    @Test
    void onAPlateauTheMiddleOfTheTiedSizesWins() {
        // tf is flat within 3% from 16 to 1024: the smallest tie (16) sits on the rising edge, the middle does not
        Plan plan = calibrator.choose(List.of(
                m(PredictionPath.TF, 4, 1, 6.0e6),
                m(PredictionPath.TF, 16, 1, 9.75e6),
                m(PredictionPath.TF, 64, 1, 9.9e6),
                m(PredictionPath.TF, 256, 1, 10.0e6),
                m(PredictionPath.TF, 1024, 1, 9.8e6),
                m(PredictionPath.TF, 4096, 1, 8.0e6)));
        assertThat(plan).isEqualTo(new Plan(PredictionPath.TF, 256, 1));
    }

    @Test
    void whereTheBestMovesWithinThePlateauTheChoiceStays() {
        // the same plateau, measured again with the noise in other places
        Plan plan = calibrator.choose(List.of(
                m(PredictionPath.TF, 4, 1, 6.1e6),
                m(PredictionPath.TF, 16, 1, 9.95e6),
                m(PredictionPath.TF, 64, 1, 10.0e6),
                m(PredictionPath.TF, 256, 1, 9.8e6),
                m(PredictionPath.TF, 1024, 1, 9.9e6),
                m(PredictionPath.TF, 4096, 1, 7.9e6)));
        assertThat(plan).isEqualTo(new Plan(PredictionPath.TF, 256, 1));
    }

    @Test
    void twoTiedSizesGoToTheBetterMeasuredAndOtherPathsDoNotJoinThePlateau() {
        Plan plan = calibrator.choose(List.of(
                m(PredictionPath.TF, 4096, 1, 9.8e6),
                m(PredictionPath.TF, 1024, 1, 10.0e6),
                m(PredictionPath.TF, 256, 1, 8.0e6),
                m(PredictionPath.JVM, 16, 1, 9.9e6)));
        assertThat(plan).as("the larger of two middles would be 4096").isEqualTo(new Plan(PredictionPath.TF, 1024, 1));
    }

    @Test
    void tiesOnBatchGoToFewerThreads() {
        Plan plan = calibrator.choose(List.of(
                m(PredictionPath.TF, 1024, 2, 10.0e6),
                m(PredictionPath.TF, 1024, 1, 9.9e6)));
        assertThat(plan).isEqualTo(new Plan(PredictionPath.TF, 1024, 1));
    }

    @Test
    void nothingMeasuredIsAnError() {
        assertThatThrownBy(() -> calibrator.choose(List.of()))
                .isInstanceOf(CalibrationException.class)
                .hasMessageStartingWith("calibration measured nothing");
    }
}
