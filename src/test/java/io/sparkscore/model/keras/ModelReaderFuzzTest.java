package io.sparkscore.model.keras;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SampleModels;
import io.sparkscore.model.SequentialBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded fuzzing of the model readers under a 256 MiB heap, in a JVM of its own ({@link ModelReaderFuzz}): a few
 * hundred mutations of the project's writer output and, when {@code ../shared} is present, of real Keras files, plus
 * the 3 GiB-of-zeros weights entry from the issue, which must be refused without running out of memory.
 */
class ModelReaderFuzzTest {

    private static final long SEED = 13;
    private static final int MUTATIONS = 400;
    private static final List<String> FIXTURES = List.of("keras3/emg_reshape_lstm_dense_k3.9.2.keras",
            "keras3/predmaint_gru_bn_dropout_k3.12.1.keras", "hls4ml/hls4ml_mlp_tf2.11_hdf5_named.keras",
            "dl4j/LeakyReLU_0_model.h5", "dl4j/cnn_batch_norm_model.h5", "dl4j/simple_lstm_tf_keras_1_model.h5",
            "dl4j/bidirectional_lstm_tensorflow_2.h5", "dl4j/conv2d_theano_2.h5",
            "frugally-deep/fdeep_lstm_multi_io_functional.h5", "dl4j/tfkeras_cnn2d_76_separableconv2d.h5");

    @TempDir
    Path tmp;

    @Test
    void mutatedModelFilesEndInAModelExceptionOrAWholeReadUnderASmallHeap() throws Exception {
        List<String> corpus = new ArrayList<>();
        corpus.add(written("tiny.keras", SampleModels.tiny(1)));
        Random random = new Random(SEED);
        LayerSpec wide = SampleModels.dense("dense", 16, 64, "relu", random);
        LayerSpec out = SampleModels.dense("dense_1", 64, 3, "softmax", random);
        corpus.add(written("mlp.keras", new SequentialBuilder("mlp", new int[] {16}).add(wide).add(out).build()));
        Path fixtures = Path.of(System.getProperty("sparkscore.shared.dir", "../shared"), "fixtures", "keras");
        if (Files.isDirectory(fixtures)) {
            FIXTURES.stream().map(fixtures::resolve).filter(Files::isRegularFile).map(Path::toString)
                    .forEach(corpus::add);
        } else {
            System.out.println("Keras fixtures " + fixtures.toAbsolutePath() + " absent: fuzzing the writer's files"
                    + " only");
        }
        byte[] hdf5Head = HostileArchives.entriesOf(SampleModels.tiny(1)).get("model.weights.h5");
        Path zeros = HostileArchives.bomb(tmp.resolve("zeros-3gib.keras"), SampleModels.tiny(1), new byte[0],
                3 * HostileArchives.GIB_IN_MIB);
        Path disguised = HostileArchives.bomb(tmp.resolve("hdf5-then-zeros-3gib.keras"), SampleModels.tiny(1),
                hdf5Head, 3 * HostileArchives.GIB_IN_MIB);
        assertThat(Files.size(zeros)).isLessThan(16L << 20);
        Path work = Files.createDirectories(tmp.resolve("work"));

        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=" + work,
                "-cp", System.getProperty("java.class.path"), ModelReaderFuzz.class.getName(),
                Long.toString(SEED), Integer.toString(MUTATIONS), work.toString(),
                "--bomb", zeros.toString(), disguised.toString(), "--corpus"));
        command.addAll(corpus);
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("fuzz.log").toFile()).start();
        boolean done = child.waitFor(3, TimeUnit.MINUTES);
        if (!done) {
            child.destroyForcibly();
        }
        String log = Files.readString(tmp.resolve("fuzz.log"), StandardCharsets.UTF_8);
        String summary = log.lines().filter(l -> l.startsWith("fuzz:") || l.startsWith("FAILURE")
                || l.startsWith("bomb ")).reduce("", (a, b) -> a + b + "\n");
        System.out.print(summary);

        assertThat(done).as("the fuzz run finished").isTrue();
        assertThat(child.exitValue()).as(log).isZero();
        assertThat(summary).contains("bomb zeros-3gib.keras refused: " + zeros + ": model.weights.h5 of a .keras"
                + " archive is not an HDF5 file")
                .contains("bomb hdf5-then-zeros-3gib.keras refused: " + disguised + ": is refused: it zip entry"
                        + " 'model.weights.h5' inflates ")
                .contains(MUTATIONS + " mutations of " + corpus.size() + " files, 2 bombs, heap 256 MiB")
                .contains(", 0 failures");
    }

    private String written(String name, ModelSpec spec) throws IOException {
        Path file = tmp.resolve(name);
        KerasArchiveWriter.write(spec, file);
        return file.toString();
    }
}
