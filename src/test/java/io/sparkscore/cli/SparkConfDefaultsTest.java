package io.sparkscore.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** Option defaults from spark.sparkscore.* settings, with command-line flags winning. */
class SparkConfDefaultsTest {

    @AfterEach
    void clear() {
        System.clearProperty("spark.sparkscore.calibration-rows");
        System.clearProperty("spark.sparkscore.bad-rows");
    }

    private static ScoreCommand parse(String... args) {
        CommandLine cli = new CommandLine(new SparkScoreCli());
        cli.setDefaultValueProvider(new SparkConfDefaults());
        CommandLine.ParseResult parsed = cli.parseArgs(args);
        return (ScoreCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void sparkSettingsReplaceBuiltInDefaultsAndFlagsWin() {
        System.setProperty("spark.sparkscore.calibration-rows", "123");
        System.setProperty("spark.sparkscore.bad-rows", "skip");

        ScoreCommand fromConf = parse("score", "--model", "m", "--input", "i", "--output", "o", "--features", "a");
        assertThat(fromConf.common.calibrationRows).isEqualTo(123);
        assertThat(fromConf.badRows).isEqualTo("skip");

        ScoreCommand fromFlag = parse("score", "--model", "m", "--input", "i", "--output", "o", "--features", "a",
                "--calibration-rows", "77");
        assertThat(fromFlag.common.calibrationRows).isEqualTo(77);
    }

    @Test
    void withoutSettingsTheBuiltInDefaultsApply() {
        ScoreCommand cmd = parse("score", "--model", "m", "--input", "i", "--output", "o", "--features", "a");
        assertThat(cmd.common.calibrationRows).isEqualTo(4096);
        assertThat(cmd.badRows).isEqualTo("quarantine");
    }
}
