package io.sparkscore.cli;

import io.sparkscore.calibration.CalibrationException;
import io.sparkscore.ml.BadRowException;
import io.sparkscore.ml.JobException;
import io.sparkscore.job.JobFailedException;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.runtime.PredictionException;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.assertj.core.api.Assertions.assertThat;

class ExitCodesTest {

    @Test
    void eachLayerOfTheHouseHasItsExitCode() {
        assertThat(ExitCodes.of(JobException.config("bad option"))).isEqualTo(2);
        assertThat(ExitCodes.of(new ModelFormatException("m.keras", "corrupt"))).isEqualTo(3);
        assertThat(ExitCodes.of(JobException.data("no such column"))).isEqualTo(4);
        assertThat(ExitCodes.of(new BadRowException("[id=1]", "x", "is null"))).isEqualTo(4);
        assertThat(ExitCodes.of(new CalibrationException("paths disagree"))).isEqualTo(5);
        assertThat(ExitCodes.of(new PredictionException("native failure"))).isEqualTo(5);
        assertThat(ExitCodes.of(new JobFailedException("task failed 4 times", null))).isEqualTo(5);
    }

    @Test
    void theSparkScoreErrorInsideSparksWrappingDecides() {
        SparkException wrapped = new SparkException("Job aborted due to stage failure",
                new RuntimeException("task failed", new ModelFormatException("m.h5", "weights do not fit")));

        assertThat(ExitCodes.of(wrapped)).isEqualTo(3);
        assertThat(ExitCodes.describe(wrapped)).isEqualTo("m.h5: weights do not fit");
    }

    @Test
    void aFailureThatIsNotSparkscoresOwnIsMarkedUnexpected() {
        UncheckedIOException raw = new UncheckedIOException("disk gone", new IOException("No space left on device"));

        assertThat(ExitCodes.of(raw)).isEqualTo(5);
        assertThat(ExitCodes.describe(raw)).isEqualTo("unexpected IOException: No space left on device (see the"
                + " driver log for the stack trace; please report this as a sparkscore bug)");
    }
}
