package io.sparkscore.cli;

import io.sparkscore.model.SampleModels;
import io.sparkscore.model.keras.KerasArchiveWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Exit codes and one-line errors of the command line, for bad input that must fail before anything is scored. */
public class SparkScoreCliTest {

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() throws IOException {
        model = dir.resolve("tiny.keras");
        KerasArchiveWriter.write(SampleModels.tiny(1), model);
    }

    /** Runs the CLI, returning exit code and captured stderr+stdout; other packages' tests use it too. */
    public static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            int code = SparkScoreCli.run(args);
            return new Run(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    public record Run(int code, String output) {
    }

    @Test
    void inspectPrintsTheSummaryWithPerPathSupport() {
        Run r = run("inspect", "--model", model.toString());
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("(Dense)").contains("(None, 2)").contains("(None, 1)")
                .contains("Total params: 13").contains("Path tf: can run this model")
                .contains("Path jvm: can run this model");
    }

    @Test
    void missingModelFileExitsWithModelErrorCode() {
        Path missing = dir.resolve("nope.keras");
        Run r = run("inspect", "--model", missing.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.output()).contains("sparkscore: error: ").contains("nope.keras").contains("does not exist");
    }

    @Test
    void fileThatIsNotAKerasModelExitsWithModelErrorCode() throws IOException {
        Path text = dir.resolve("notes.h5");
        Files.writeString(text, "just some text, not a model");
        Run r = run("inspect", "--model", text.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.output()).contains("notes.h5").contains("is not a Keras model file");
    }

    @Test
    void truncatedKerasArchiveExitsWithModelErrorCode() throws IOException {
        byte[] bytes = Files.readAllBytes(model);
        Path truncated = dir.resolve("truncated.keras");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        Run r = run("inspect", "--model", truncated.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.output()).contains("truncated.keras");
    }

    @Test
    void aConfigIntegerBeyondTheIntRangeExitsWithModelErrorCodeInOneLine() throws IOException {
        Path edited = dir.resolve("huge-units.keras");
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(model));
             java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(edited))) {
            for (java.util.zip.ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                byte[] data = in.readAllBytes();
                if (e.getName().equals("config.json")) {
                    String json = new String(data, StandardCharsets.UTF_8);
                    assertThat(json).contains("\"units\":2");
                    data = json.replace("\"units\":2", "\"units\":4294967298").getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                out.write(data);
            }
        }
        Run r = run("inspect", "--model", edited.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.output()).isEqualTo("sparkscore: error: layer 'dense' (Dense): config 'units' is 4294967298,"
                + " beyond the largest integer (2147483647) a layer option can be; the config is damaged or was"
                + " altered (model file " + edited + ")" + System.lineSeparator());
    }

    @Test
    void badBatchSizeIsAUsageError() {
        Run r = run("score", "--model", model.toString(), "--input", "x", "--output", "y", "--features", "a",
                "--batch-size", "lots");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.output()).contains("sparkscore: error: --batch-size must be auto or a positive number, got 'lots'");
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        Run r = run("score", "--input", "in");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.output()).contains("Missing required option: '--model=<model>'");
    }

    @Test
    void missingInputIsAUsageError() {
        Run r = run("score", "--model", model.toString(), "--output", "out", "--features", "a");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.output()).contains("sparkscore: error: pass exactly one of --input (a path) and --input-table"
                + " (a catalog table)");
    }

    @Test
    void aRunWhoseTaskFailsEveryAttemptExitsWithRuntimeCodeAndARerunSucceeds() {
        String data = dir.resolve("every-attempt").toString();
        assertThat(run("sample", "--out", data, "--rows", "200", "--master", "local[2,2]").code()).isZero();
        String output = dir.resolve("every-attempt-out").toString();
        String[] score = {"score", "--model", data + "/tiny.keras", "--input", data + "/sample.parquet",
                "--features", "f1,f2,f3,f4", "--keep", "id", "--output", output, "--mode", "overwrite",
                "--batch-size", "16", "--path", "jvm", "--plan-store", "none", "--master", "local[2,2]"};
        assertThat(run(score).code()).isZero();

        String key = "spark.sparkscore.faultInjection.failEveryAttemptOfPartition";
        System.setProperty(key, "0");
        Run failed;
        try {
            failed = run(score);
        } finally {
            System.clearProperty(key);
        }

        assertThat(failed.code()).as(failed.output()).isEqualTo(5);
        assertThat(failed.output()).contains("sparkscore: error: scoring failed (fault injected by " + key
                + " in partition 0, attempt 1); nothing was committed, the output at " + output + " is as it was"
                + " before this run; fix the cause and rerun");
        Run rerun = run(score);
        assertThat(rerun.code()).as(rerun.output()).isZero();
        assertThat(rerun.output()).contains("scored 200");
    }
}
