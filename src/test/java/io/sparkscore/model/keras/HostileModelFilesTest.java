package io.sparkscore.model.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SampleModels;
import io.sparkscore.model.SequentialBuilder;
import io.sparkscore.model.UnsupportedLayerException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each limit {@link ReadLimits} sets, hit by a crafted file built from the project's own writer output, refused with
 * a {@link ModelFormatException} naming the file and what was wrong; and a legitimately large model still loads.
 * The 3 GiB bomb under a small heap is in {@link ModelReaderFuzzTest}.
 */
class HostileModelFilesTest {

    private static final Configuration CONF = new Configuration();

    @TempDir
    Path tmp;

    private final ModelSpec tiny = SampleModels.tiny(7);

    private String read(Path file) {
        return KerasModelReader.read(file.toString(), CONF).hash();
    }

    @Test
    void aWeightsEntryThatIsNotHdf5IsRefusedFromItsFirstBytes() throws IOException {
        Path file = HostileArchives.bomb(tmp.resolve("zeros.keras"), tiny, new byte[0], 64);

        assertThatThrownBy(() -> read(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(file + ": model.weights.h5 of a .keras archive is not an HDF5 file (first bytes were 00 00"
                        + " 00 00 00 00 00 00 (\"........\"))");
    }

    @Test
    void aDecompressionBombIsRefusedOnceItsRatioShows() throws IOException {
        byte[] weights = HostileArchives.entriesOf(tiny).get("model.weights.h5");
        Path file = HostileArchives.bomb(tmp.resolve("bomb.keras"), tiny, weights, 256);

        assertThatThrownBy(() -> read(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith(file + ": is refused: it zip entry 'model.weights.h5' inflates ")
                .hasMessageEndingWith(", more than 100 times its compressed size: a decompression bomb, not a Keras"
                        + " model");
    }

    @Test
    void tooManyEntriesAreRefused() throws IOException {
        Map<String, byte[]> entries = HostileArchives.entriesOf(tiny);
        for (int i = 0; i < ReadLimits.MAX_ZIP_ENTRIES; i++) {
            entries.put("assets/" + i, new byte[0]);
        }
        Path file = HostileArchives.zip(tmp.resolve("many.keras"), entries, true);

        assertThatThrownBy(() -> read(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(file + ": is refused: it has more than 10000 zip entries, far more than a Keras archive"
                        + " holds");
    }

    @Test
    void aDuplicateEntryIsRefused() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>(HostileArchives.entriesOf(tiny));
        entries.put("config.jsoX", "{\"class_name\": \"Sequential\", \"config\": {\"layers\": []}}"
                .getBytes(StandardCharsets.UTF_8));
        Path written = HostileArchives.zip(tmp.resolve("written.keras"), entries, true);
        Path file = Files.write(tmp.resolve("twice.keras"),
                HostileArchives.replaceBytes(Files.readAllBytes(written), "config.jsoX", "config.json"));

        assertThatThrownBy(() -> read(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(file + ": is refused: it holds the zip entry 'config.json' twice, so which one counts"
                        + " would be a guess");
    }

    @Test
    void anEntryHoldingMoreThanItsHeaderDeclaresIsRefused() throws IOException {
        Path file = HostileArchives.zipDeclaring(tmp.resolve("liar.keras"), HostileArchives.entriesOf(tiny),
                "model.weights.h5", 100);

        assertThatThrownBy(() -> read(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(file + ": is refused: it zip entry 'model.weights.h5' declares 100 bytes but holds more");
    }

    @Test
    void anOversizedConfigIsRefusedWhileStreaming() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>(HostileArchives.entriesOf(tiny));
        byte[] huge = new byte[ReadLimits.MAX_JSON_BYTES + 1];
        Arrays.fill(huge, (byte) ' ');
        entries.put("config.json", huge);
        Path file = HostileArchives.zip(tmp.resolve("huge.keras"), entries, true);

        assertThatThrownBy(() -> read(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(file + ": is refused: it zip entry 'config.json' is larger than the 67108864 bytes"
                        + " sparkscore reads for it");
    }

    @Test
    void aDeeplyNestedConfigIsRefused() throws IOException {
        Path source = writeTiny();
        Path file = tmp.resolve("nested.keras");
        KerasModelReaderErrorsTest.rewriteArchive(source, file, "config.json",
                json -> json.replaceFirst("\\{", "{\"deep\": " + "[".repeat(300) + "]".repeat(300) + ", "));

        assertThatThrownBy(() -> read(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith(file + ": config.json is refused: Document nesting depth (257) exceeds the"
                        + " maximum allowed (256");
    }

    @Test
    void configIntegersBeyondTheIntRangeAreRefusedNotWrapped() throws IOException {
        Path file = tinyWithConfigEdit("units.keras", "\"units\":2", "\"units\":4294967298");

        assertThatThrownBy(() -> read(file))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessage("layer 'dense' (Dense): config 'units' is 4294967298, beyond the largest integer"
                        + " (2147483647) a layer option can be; the config is damaged or was altered (model file "
                        + file + ")");
    }

    @Test
    void anInputShapeBeyondTheIntRangeIsRefused() throws IOException {
        Path file = tinyWithConfigEdit("shape.keras", "\"batch_shape\":[null,4]",
                "\"batch_shape\":[null,4294967300]");

        assertThatThrownBy(() -> read(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("declares the input shape [null, 4294967300], whose dimension 1 is not a"
                        + " positive integer of at most 2147483647 (or None)");
    }

    @Test
    void aWeightDatasetLargerThanItsFileIsRefusedBeforeItIsRead() throws IOException {
        Path h5 = Files.write(tmp.resolve("w.h5"), HostileArchives.entriesOf(tiny).get("model.weights.h5"));
        try (HdfFile file = new HdfFile(h5)) {
            Dataset kernel = file.getDatasetByPath("layers/dense/vars/0");
            DatasetBudget tooSmall = new DatasetBudget("w.h5", 16);

            assertThatThrownBy(() -> tooSmall.claim(kernel))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessage("w.h5: weight dataset '/layers/dense/vars/0' is refused: it declares the shape [4, 2]"
                            + " (32 bytes) but the whole file has 16 bytes");
        }
    }

    @Test
    void aDatasetShapeWhoseProductOverflowsIsRefused() {
        Dataset hostile = datasetDeclaring(new int[] {1 << 30, 1 << 30, 1 << 30});

        assertThatThrownBy(() -> new DatasetBudget("w.h5", 1 << 20).claim(hostile))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage("w.h5: weight dataset '/layers/dense/vars/0' is refused: it declares the shape"
                        + " [1073741824, 1073741824, 1073741824], whose size overflows");
    }

    @Test
    void aLegitimatelyLargeModelStillLoadsThroughTheTemporaryFile() throws IOException {
        int width = 4300; // a 4300 x 4300 float32 kernel is over the 64 MiB kept in memory
        Random random = new Random(3);
        LayerSpec dense = SampleModels.dense("dense", width, width, "linear", random);
        ModelSpec big = new SequentialBuilder("big", new int[] {width}).add(dense).build();
        Path file = tmp.resolve("big.keras");
        KerasArchiveWriter.write(big, file);
        assertThat((long) width * width * Float.BYTES).isGreaterThan(ReadLimits.IN_MEMORY_WEIGHTS_BYTES);

        ModelSpec read = KerasModelReader.read(file.toString(), CONF);

        for (String weight : List.of("kernel", "bias")) {
            assertThat(read.layer("dense").weight(weight).data()).as(weight)
                    .isEqualTo(big.layer("dense").weight(weight).data());
        }
        try (var left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("sparkscore-model-")))
                    .as("the temporary weights file is deleted").isEmpty();
        }
    }

    /** The writer's tiny model with the first {@code from} in its config replaced, which must be there. */
    private Path tinyWithConfigEdit(String name, String from, String to) throws IOException {
        Path file = tmp.resolve(name);
        KerasModelReaderErrorsTest.rewriteArchive(writeTiny(), file, "config.json", json -> {
            assertThat(json).as("the edit must not silently do nothing").contains(from);
            return json.replaceFirst(java.util.regex.Pattern.quote(from),
                    java.util.regex.Matcher.quoteReplacement(to));
        });
        return file;
    }

    private Path writeTiny() {
        Path file = tmp.resolve("tiny.keras");
        KerasArchiveWriter.write(tiny, file);
        return file;
    }

    /** A dataset whose header declares {@code dims}, as a hostile file's would; reading its values fails the test. */
    private static Dataset datasetDeclaring(int[] dims) {
        return (Dataset) Proxy.newProxyInstance(Dataset.class.getClassLoader(), new Class<?>[] {Dataset.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "isScalar" -> false;
                    case "getDimensions" -> dims;
                    case "getPath" -> "/layers/dense/vars/0";
                    case "getJavaType" -> float.class;
                    case "getFilters" -> List.of();
                    default -> throw new AssertionError("the budget must not call " + method.getName());
                });
    }
}
