package io.sparkscore.calibration;

import io.sparkscore.runtime.PredictionPath;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlanStoreTest {

    private static final String KEY = "modelhash|batch=auto|path=auto|rows=4096";
    private static final HardwareSignature HARDWARE = new HardwareSignature("Test CPU", 8, 2, "none", "tf 1.1.0");

    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    private PlanStore store() {
        return new PlanStore(dir.toString(), new Configuration(), warnings::add);
    }

    private static CalibrationReport report() {
        List<Measurement> measured = List.of(
                new Measurement(PredictionPath.JVM, 256, 1, 90, 23_040, 0.0125, 0.11, 0.25),
                new Measurement(PredictionPath.TF, 1024, 2, 40, 40_960, 0.0301, 0.7, 1.5));
        return new CalibrationReport(measured, new Plan(PredictionPath.TF, 1024, 2), 1.25e-7,
                Map.of("gpu", "no GPU visible"), Map.of("jvm batch 4096-65536", "not measured: the calibration budget"
                        + " (100 ms) was spent"), 4096, 2100, 600, "executor 0 on host-a (8 cores, task cpus 2)");
    }

    private Path onlyEntry() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> entries = files.filter(p -> !p.getFileName().toString().startsWith(".") && !p.toString().endsWith(".crc")).toList();
            assertThat(entries).hasSize(1);
            return entries.get(0);
        }
    }

    /** Replaces an entry as another tool would, without Hadoop's local checksum file. */
    private static void plant(Path entry, byte[] content) throws IOException {
        Files.deleteIfExists(entry.resolveSibling("." + entry.getFileName() + ".crc"));
        Files.write(entry, content);
    }

    @Test
    void aSavedPlanIsFoundAgainWithEveryMeasurement() {
        store().save(KEY, HARDWARE, report());

        assertThat(store().find(KEY, HARDWARE)).contains(report());
        assertThat(warnings).isEmpty();
    }

    @Test
    void plansAreStoredAsVersionedJson() throws IOException {
        store().save(KEY, HARDWARE, report());

        String json = Files.readString(onlyEntry());
        assertThat(onlyEntry().getFileName().toString()).endsWith("-" + HARDWARE.key() + ".json");
        assertThat(json).contains("\"format\" : \"sparkscore-plan\"").contains("\"version\" : 2")
                .contains("\"planKey\" : \"" + KEY + "\"").contains("\"path\" : \"tf\"");
    }

    @Test
    void aMissingPlanIsAbsentWithoutAWarning() {
        assertThat(store().find(KEY, HARDWARE)).isEmpty();
        assertThat(warnings).isEmpty();
    }

    /** Set when a planted object is deserialised: the classic gadget-chain route to running code. */
    static volatile boolean planted;

    static final class Gadget implements Serializable {
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            planted = true;
        }
    }

    @Test
    void aJavaSerialisedFileInThePlansPlaceIsIgnoredAndNeverDeserialised() throws IOException {
        store().save(KEY, HARDWARE, report());
        Path entry = onlyEntry();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new Gadget());
        }
        plant(entry, bytes.toByteArray());
        planted = false;

        Optional<CalibrationReport> found = store().find(KEY, HARDWARE);

        assertThat(found).isEmpty();
        assertThat(planted).as("the planted object was deserialised").isFalse();
        assertThat(warnings).containsExactly("Ignoring stored plan " + entry + ": it is a Java-serialised"
                + " object (an old sparkscore plan, or planted); sparkscore never deserialises stored files;"
                + " calibrating instead (the new plan replaces it)");
    }

    @Test
    void foreignOrDamagedFilesCountAsAbsentWithAWarningNamingTheFile() throws IOException {
        store().save(KEY, HARDWARE, report());
        Path entry = onlyEntry();
        String good = Files.readString(entry);
        Map<String, String> cases = Map.of(
                "<html>not json</html>", "it is not JSON",
                "[1, 2, 3]", "it is not a JSON object",
                "{\"format\": \"other-tool\", \"version\": 1}", "it is not a sparkscore plan (format is \"other-tool\"",
                good.replace("\"version\" : 2", "\"version\" : 1"), "it is plan version 1, this sparkscore reads version 2",
                good.replace(KEY, "otherhash|batch=auto|path=auto|rows=4096"), "it was stored for another model",
                good.replace("\"batchSize\" : 1024", "\"batchSize\" : 0"), "it holds an invalid value (batch size must be at least 1",
                good.replace("\"batchSize\" : 1024", "\"batchSize\" : 4294967298"), "field 'batchSize' is not a 32-bit integer",
                good.replace("\"ranOn\"", "\"ranAt\""), "field 'ranOn' is missing",
                good.replace("\"p50BatchMillis\" : 0.11", "\"p50BatchMillis\" : 0"),
                "it holds an invalid value (the median batch time must be a positive number",
                "[".repeat(100_000), "it is not JSON");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            plant(entry, c.getKey().getBytes(StandardCharsets.UTF_8));
            warnings.clear();

            assertThat(store().find(KEY, HARDWARE)).as(c.getValue()).isEmpty();
            assertThat(warnings).as(c.getValue()).singleElement().asString()
                    .startsWith("Ignoring stored plan " + entry + ": " + c.getValue());
        }
    }

    @Test
    void anOversizedFileIsRefusedWithoutReadingItWhole() throws IOException {
        store().save(KEY, HARDWARE, report());
        Path entry = onlyEntry();
        plant(entry, new byte[PlanFile.MAX_BYTES + 4096]);

        assertThat(store().find(KEY, HARDWARE)).isEmpty();
        assertThat(warnings).singleElement().asString().contains("it is larger than 1048576 bytes");
    }

    @Test
    void anUnwritableStoreIsACalibrationException() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");

        assertThatThrownBy(() -> new PlanStore(file.toString(), new Configuration()).save(KEY, HARDWARE, report()))
                .isInstanceOf(CalibrationException.class)
                .hasMessageStartingWith("cannot save the calibration plan to " + file + "/")
                .hasMessageEndingWith("; check that the plan store directory is writable (--plan-store)");
    }
}
