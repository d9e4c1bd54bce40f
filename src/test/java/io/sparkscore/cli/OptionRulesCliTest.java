package io.sparkscore.cli;

import io.sparkscore.ml.Calibration;
import io.sparkscore.ml.InputBinding;
import io.sparkscore.ml.JobException;
import io.sparkscore.ml.ScoringConfig;
import io.sparkscore.model.SampleModels;
import io.sparkscore.model.keras.KerasArchiveWriter;
import io.sparkscore.model.savedmodel.SavedModelOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The scoring rules shared by the CLI and {@link ScoringConfig} (see {@code ScoringRules}): each refusal reaches the
 * CLI user in flag words before Spark starts, and the flags' help shows the defaults the job really uses.
 */
class OptionRulesCliTest {

    @TempDir
    static Path dir;
    static String model;

    @BeforeAll
    static void writeModel() throws IOException {
        Path file = dir.resolve("tiny.keras");
        KerasArchiveWriter.write(SampleModels.tiny(1), file);
        model = file.toString();
    }

    private static SparkScoreCliTest.Run score(String... more) {
        List<String> args = new ArrayList<>(List.of("score", "--model", model, "--input", "in",
                "--output", "out", "--features", "a"));
        args.addAll(List.of(more));
        return SparkScoreCliTest.run(args.toArray(String[]::new));
    }

    @Test
    void aBatchSizeBelowOneIsRefusedInFlagWords() {
        SparkScoreCliTest.Run r = score("--batch-size", "0");
        assertThat(r.code()).as(r.output()).isEqualTo(2);
        assertThat(r.output()).contains("sparkscore: error: --batch-size must be auto or a positive number, got 0");
    }

    @Test
    void anUnknownPathIsRefusedQuotingWhatWasGiven() {
        SparkScoreCliTest.Run r = score("--path", "gpu");
        assertThat(r.code()).as(r.output()).isEqualTo(2);
        assertThat(r.output()).contains("sparkscore: error: --path must be auto, tf or jvm, got 'gpu'");
    }

    @Test
    void calibrationRowsBelowOneAreRefused() {
        SparkScoreCliTest.Run r = SparkScoreCliTest.run("calibrate", "--model", model, "--input", "in",
                "--features", "a", "--calibration-rows", "0");
        assertThat(r.code()).as(r.output()).isEqualTo(2);
        assertThat(r.output()).contains("sparkscore: error: calibration sample rows must be positive, got 0");
    }

    @Test
    void aCalibrationBudgetBelowOneMillisecondIsRefused() {
        SparkScoreCliTest.Run r = score("--calibration-budget-ms", "-5");
        assertThat(r.code()).as(r.output()).isEqualTo(2);
        assertThat(r.output()).contains("sparkscore: error: the calibration budget must be a positive number of"
                + " milliseconds, got -5");
    }

    @Test
    void helpShowsTheDefaultsTheJobUses() {
        SparkScoreCliTest.Run r = SparkScoreCliTest.run("score", "--help");
        assertThat(r.code()).as(r.output()).isZero();
        String help = r.output().replaceAll("\\s+", " ");
        assertThat(help).contains("(default: " + ScoringConfig.DEFAULT_CALIBRATION_ROWS + ")")
                .contains("(default: " + ScoringConfig.DEFAULT_CALIBRATION_BUDGET_MILLIS + ")")
                .contains("(default: quarantine)").contains("(default: probabilities)").contains("(default: error)")
                .contains("(default: auto)").contains("(default: serve)");
    }

    @Test
    void everyCommandDescribesTheModelOptionsAlike() {
        List<String> inspect = modelOptionLines("inspect");
        assertThat(inspect).hasSize(3).anyMatch(l -> l.contains("(default:serving_default)"))
                .anyMatch(l -> l.contains("(default:serve)"));
        assertThat(modelOptionLines("score")).isEqualTo(inspect);
        assertThat(modelOptionLines("calibrate")).isEqualTo(inspect);
    }

    /** The help of {@code --model}, {@code --signature} and {@code --tags}, without white space (wrapping differs). */
    private static List<String> modelOptionLines(String command) {
        SparkScoreCliTest.Run r = SparkScoreCliTest.run(command, "--help");
        assertThat(r.code()).as(r.output()).isZero();
        List<String> lines = new ArrayList<>();
        for (String option : r.output().split("\\R(?=\\s+(-|\\*))")) {
            String line = option.replaceAll("\\s+", "");
            if (line.matches("\\*?--(model|signature|tags)\\b.*") && !line.contains("[--")) { // not the synopsis
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    void scoringConfigRefusesInTheWordsOfItsSettings() {
        assertThatThrownBy(() -> new ScoringConfig(model, SavedModelOptions.DEFAULTS,
                List.of(InputBinding.byInputNames()), List.of(), ScoringConfig.DEFAULT_OUTPUT_MODE, Optional.of(0),
                Optional.empty(), Calibration.AUTO, 1, 1, null, false, 0))
                .isInstanceOf(JobException.class)
                .hasMessage("the batch size must be auto or a positive number, got 0");
        assertThatThrownBy(() -> new ScoringConfig(" ", SavedModelOptions.DEFAULTS,
                List.of(InputBinding.byInputNames()), List.of(), ScoringConfig.DEFAULT_OUTPUT_MODE, Optional.empty(),
                Optional.empty(), Calibration.AUTO, 1, 1, null, false, 0))
                .isInstanceOf(JobException.class).hasMessage("no model given: set the model path");
    }
}
