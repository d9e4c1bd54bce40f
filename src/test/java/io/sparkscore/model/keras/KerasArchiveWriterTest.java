package io.sparkscore.model.keras;

import io.jhdf.HdfFile;
import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.SequentialBuilder;
import io.sparkscore.model.Tensor;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer produces Keras 3 archives that read back to the same spec. */
class KerasArchiveWriterTest {

    private static final Configuration CONF = new Configuration();

    @TempDir
    Path tmp;

    @Test
    void sequentialChainRoundTripsWithTheSameHash() throws IOException {
        ModelSpec spec = new SequentialBuilder("mlp", new int[] {4})
                .add("hidden", "Dense", Map.of("units", 3, "activation", "relu", "use_bias", true),
                        weights(tensor("kernel", 1, 4, 3), tensor("bias", 2, 3)))
                .add("drop", "Dropout", Map.of("rate", 0.5), Map.of())
                .add("out", "Dense", Map.of("units", 1, "activation", "sigmoid", "use_bias", true),
                        weights(tensor("kernel", 3, 3, 1), tensor("bias", 4, 1)))
                .build();
        Path file = tmp.resolve("mlp.keras");
        KerasArchiveWriter.write(spec, file);

        ModelSpec read = KerasModelReader.read(file.toString(), CONF);
        assertThat(read.hash()).isEqualTo(spec.hash());
        assertThat(read.sourceFormat()).isEqualTo("keras-v3");
        assertThat(read.nodes()).isEqualTo(spec.nodes());
        assertThat(entry(file, "config.json")).contains("\"class_name\":\"Sequential\"");
        try (HdfFile h5 = HdfFile.fromBytes(entryBytes(file, "model.weights.h5"))) {
            assertThat(h5.getDatasetByPath("layers/dense/vars/0").getDimensions()).containsExactly(4, 3);
            assertThat(h5.getDatasetByPath("layers/dense_1/vars/1").getDimensions()).containsExactly(1);
        }
    }

    @Test
    void sharedLayersAndSeveralInputsAndOutputsRoundTripAsFunctional() throws IOException {
        LayerSpec shared = dense("shared", 4, 2, 10);
        LayerSpec concat = new LayerSpec("concat", "Concatenate",
                new LayerConfig("concat", "Concatenate", Map.of("axis", -1)), Map.of());
        LayerSpec head = dense("head", 4, 1, 20);
        ModelSpec spec = new ModelSpec("two_towers", "programmatic", "3.9.2",
                List.of(new InputSpec("a", new int[] {4}, "float32"), new InputSpec("b", new int[] {4}, "float32")),
                List.of(shared, concat, head),
                List.of(new NodeSpec("shared", "shared", List.of("a")),
                        new NodeSpec("shared_1", "shared", List.of("b")),
                        new NodeSpec("concat", "concat", List.of("shared", "shared_1")),
                        new NodeSpec("head", "head", List.of("concat"))),
                List.of("head", "concat"));
        Path file = tmp.resolve("towers.keras");
        KerasArchiveWriter.write(spec, file);

        ModelSpec read = KerasModelReader.read(file.toString(), CONF);
        assertThat(entry(file, "config.json")).contains("\"class_name\":\"Functional\"");
        assertThat(read.nodes()).isEqualTo(spec.nodes());
        assertThat(read.outputs()).containsExactly("head", "concat");
        assertThat(read.hash()).isEqualTo(spec.hash());
        assertThat(read.kerasVersion()).isEqualTo("3.9.2");
    }

    @Test
    void scalarWeightsAndOptionalWeightsRoundTrip() {
        ModelSpec spec = new SequentialBuilder("prep", new int[] {3, 2})
                .add("norm", "Normalization", Map.of("axis", -1),
                        weights(tensor("mean", 1, 2), tensor("variance", 2, 2),
                                new Tensor("count", new int[0], new float[] {50})))
                .add("gn", "GroupNormalization", Map.of("groups", 1, "center", false),
                        weights(tensor("gamma", 3, 2)))
                .build();
        Path file = tmp.resolve("prep.keras");
        KerasArchiveWriter.write(spec, file);

        ModelSpec read = KerasModelReader.read(file.toString(), CONF);
        assertThat(read.layer("norm").weight("count").shape()).isEmpty();
        assertThat(read.layer("gn").weights().keySet()).containsExactly("gamma");
        assertThat(read.paramCount()).isEqualTo(7);
        assertThat(read.hash()).isEqualTo(spec.hash());
    }

    @Test
    void writingTheSameSpecTwiceGivesTheSameBytes() {
        ModelSpec spec = new SequentialBuilder("tiny", new int[] {2})
                .add("d", "Dense", Map.of("units", 1), weights(tensor("kernel", 5, 2, 1), tensor("bias", 6, 1)))
                .build();
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        KerasArchiveWriter.write(spec, first);
        KerasArchiveWriter.write(spec, second);
        assertThat(first.toByteArray()).isEqualTo(second.toByteArray());
    }

    static List<Path> loadableFixtures() {
        return KerasFixtures.modelFiles().stream().filter(KerasArchiveWriterTest::loads).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("loadableFixtures")
    void everyReadableFixtureRoundTripsThroughTheKeras3Layout(Path fixture) {
        ModelSpec spec = KerasModelReader.read(fixture.toString(), CONF);
        Path file = tmp.resolve("copy.keras");
        KerasArchiveWriter.write(spec, file);
        ModelSpec read = KerasModelReader.read(file.toString(), CONF);
        assertThat(read.nodes()).isEqualTo(spec.nodes());
        assertThat(read.paramCount()).isEqualTo(spec.paramCount());
        assertThat(read.hash()).isEqualTo(spec.hash());
    }

    private static boolean loads(Path file) {
        try {
            KerasModelReader.read(file.toString(), CONF);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static LayerSpec dense(String name, int in, int units, long seed) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("units", units);
        config.put("activation", "tanh");
        config.put("use_bias", true);
        return new LayerSpec(name, "Dense", new LayerConfig(name, "Dense", config),
                weights(tensor("kernel", seed, in, units), tensor("bias", seed + 1, units)));
    }

    /** Weights in Keras' creation order, the order every reader produces (the spec hash depends on it). */
    static Map<String, Tensor> weights(Tensor... tensors) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            m.put(t.name(), t);
        }
        return m;
    }

    static Tensor tensor(String name, long seed, int... shape) {
        Random r = new Random(seed);
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) r.nextGaussian();
        }
        return new Tensor(name, shape, data);
    }

    private static String entry(Path archive, String name) throws IOException {
        return new String(entryBytes(archive, name), StandardCharsets.UTF_8);
    }

    private static byte[] entryBytes(Path archive, String name) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals(name)) {
                    return zip.readAllBytes();
                }
            }
        }
        throw new AssertionError(archive + " has no entry " + name);
    }
}
