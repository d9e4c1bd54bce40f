package io.sparkscore.model.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.Tensor;
import io.sparkscore.model.UnsupportedLayerException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Format sniffing, unreadable files and refused layers, each with the message a user sees. */
class KerasModelReaderErrorsTest {

    private static final Configuration CONF = new Configuration();

    @TempDir
    Path tmp;

    @Test
    void recognisesLegacyHdf5SavedUnderAKerasName() {
        Path file = KerasFixtures.file("hls4ml/hls4ml_mlp_tf2.11_hdf5_named.keras");
        ModelSpec spec = KerasModelReader.read(file.toString(), CONF);
        assertThat(spec.sourceFormat()).isEqualTo("keras-h5");
        assertThat(spec.kerasVersion()).isEqualTo("2.11.0");
    }

    @Test
    void missingFileSaysItDoesNotExist() {
        String path = tmp.resolve("nope.h5").toString();
        assertThatThrownBy(() -> KerasModelReader.read(path, CONF))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(path + ": the model file does not exist; check the path (a path without a scheme is "
                        + "resolved against the default file system file:///)");
    }

    @Test
    void directoryIsRefusedAsNotAModelFile() {
        String path = tmp.toString();
        assertThatThrownBy(() -> KerasModelReader.read(path, CONF))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(path + ": is a directory, not a Keras model file; pass a .keras file (Keras 3) or an .h5 "
                        + "file, or a TensorFlow SavedModel directory (one holding saved_model.pb)");
    }

    @Test
    void garbageBytesAreShownInTheMessage() throws IOException {
        Path file = Files.writeString(tmp.resolve("model.h5"), "hello world, not a model");
        assertThatThrownBy(() -> KerasModelReader.read(file.toString(), CONF))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(file + ": is not a Keras model file (expected a .keras zip or an HDF5 .h5 file; first "
                        + "bytes were 68 65 6c 6c 6f 20 77 6f (\"hello wo\"))");
    }

    @Test
    void emptyFileSaysItIsEmpty() throws IOException {
        Path file = Files.write(tmp.resolve("empty.keras"), new byte[0]);
        assertThatThrownBy(() -> KerasModelReader.read(file.toString(), CONF))
                .hasMessage(file + ": is not a Keras model file (expected a .keras zip or an HDF5 .h5 file; first "
                        + "bytes were none, the file is empty)");
    }

    @Test
    void truncatedKerasArchiveIsReportedAsCorruptWithItsCause() throws IOException {
        byte[] whole = Files.readAllBytes(KerasFixtures.file("keras3/emg_reshape_lstm_dense_k3.9.2.keras"));
        Path file = Files.write(tmp.resolve("cut.keras"), Arrays.copyOf(whole, 30_000));
        assertThatThrownBy(() -> KerasModelReader.read(file.toString(), CONF))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith(file + ": is a truncated or corrupt .keras zip archive (")
                .hasMessageEndingWith("after entries [metadata.json, config.json, model.weights.h5]); expected "
                        + "config.json, metadata.json and model.weights.h5")
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void archiveCutBeforeTheWeightsSaysWhatIsMissing() throws IOException {
        Path file = tmp.resolve("partial.keras");
        rewriteArchive(KerasFixtures.file("keras3/emg_reshape_lstm_dense_k3.9.2.keras"), file, "model.weights.h5",
                null);
        assertThatThrownBy(() -> KerasModelReader.read(file.toString(), CONF))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(file + ": is a zip archive without model.weights.h5 (entries found: [metadata.json, "
                        + "config.json]); the archive may be truncated or is not a Keras 3 model");
    }

    @Test
    void truncatedHdf5IsReportedAsCorruptWithItsCause() throws IOException {
        byte[] whole = Files.readAllBytes(KerasFixtures.file("dl4j/LeakyReLU_0_model.h5"));
        Path file = Files.write(tmp.resolve("cut.h5"), Arrays.copyOf(whole, 4_000));
        assertThatThrownBy(() -> KerasModelReader.read(file.toString(), CONF))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith(file + ": is truncated or corrupt: it starts like an HDF5 Keras model but its "
                        + "HDF5 structure cannot be read (")
                .hasMessageEndingWith("); copy the file again")
                .hasCauseInstanceOf(RuntimeException.class);
    }

    @Test
    void lambdaLayerIsRefusedWithItsNameClassAndFile() throws IOException {
        Path file = tmp.resolve("lambda.keras");
        rewriteArchive(KerasFixtures.file("keras3/emg_reshape_lstm_dense_k3.9.2.keras"), file, "config.json",
                json -> json.replace("\"class_name\": \"Reshape\"", "\"class_name\": \"Lambda\""));
        assertThatThrownBy(() -> KerasModelReader.read(file.toString(), CONF))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessage("layer 'reshape' (Lambda): Lambda layers run Python code that is not stored in the file, "
                        + "so they cannot be scored; replace the Lambda with built-in layers and save the model again "
                        + "(model file " + file + ")");
    }

    @Test
    void customRegisteredClassIsRefused() throws IOException {
        Path file = tmp.resolve("custom.keras");
        rewriteArchive(KerasFixtures.file("keras3/emg_reshape_lstm_dense_k3.9.2.keras"), file, "config.json",
                json -> json.replaceFirst("\"module\": \"keras.layers\", \"class_name\": \"Reshape\", ",
                        "\"module\": \"my_project.layers\", \"class_name\": \"Reshape\", "));
        assertThatThrownBy(() -> KerasModelReader.read(file.toString(), CONF))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessage("layer 'reshape' (Reshape): is a custom layer class (module my_project.layers, registered "
                        + "as null); its Python code is not stored in the file, so it cannot be scored (model file "
                        + file + ")");
    }

    @Test
    void theanoConvolutionKernelsAreFlippedLikeKerasConvertsThem() {
        Path file = KerasFixtures.file("dl4j/conv2d_theano_2.h5");
        Tensor kernel = KerasModelReader.read(file.toString(), CONF).layer("conv2d_1").weight("kernel");
        float[] stored = stored(file, "model_weights/conv2d_1/conv2d_1/kernel");
        int[] s = kernel.shape();
        assertThat(s).containsExactly(3, 3, 5, 6);
        int channels = s[2] * s[3];
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 3; x++) {
                int flipped = ((2 - y) * 3 + (2 - x)) * channels;
                assertThat(Arrays.copyOfRange(kernel.data(), (y * 3 + x) * channels, (y * 3 + x + 1) * channels))
                        .containsExactly(Arrays.copyOfRange(stored, flipped, flipped + channels));
            }
        }
    }

    @Test
    void keras1LstmGatesAreFusedInKeras2Order() {
        Path file = KerasFixtures.file("dl4j/lstm_tensorflow_1.h5");
        LayerSpec lstm = KerasModelReader.read(file.toString(), CONF).layer("lstm_1");
        assertThat(lstm.config().getInt("units", 0)).isEqualTo(6);
        assertThat(lstm.config().getString("recurrent_activation", null)).isEqualTo("hard_sigmoid_keras2");
        Tensor kernel = lstm.weight("kernel");
        assertThat(kernel.shape()).containsExactly(1, 24);
        String[] gates = {"i", "f", "c", "o"};
        for (int g = 0; g < 4; g++) {
            float[] part = stored(file, "model_weights/lstm_1/lstm_1_W_" + gates[g] + ":0");
            assertThat(Arrays.copyOfRange(kernel.data(), g * 6, g * 6 + 6)).containsExactly(part);
        }
        Tensor recurrent = lstm.weight("recurrent_kernel");
        float[] uForget = stored(file, "model_weights/lstm_1/lstm_1_U_f:0");
        for (int row = 0; row < 6; row++) {
            assertThat(Arrays.copyOfRange(recurrent.data(), row * 24 + 6, row * 24 + 12))
                    .containsExactly(Arrays.copyOfRange(uForget, row * 6, row * 6 + 6));
        }
    }

    @Test
    void keras1BidirectionalBuildsForwardAndBackwardChildren() {
        Path file = KerasFixtures.file("dl4j/bidirectional_lstm_tensorflow_1.h5");
        LayerSpec bi = KerasModelReader.read(file.toString(), CONF).layer("bidirectional_1");
        assertThat(bi.children()).extracting(LayerSpec::name).containsExactly("forward_lstm_1", "backward_lstm_1");
        assertThat(bi.child(0).config().getBoolean("go_backwards", true)).isFalse();
        assertThat(bi.child(1).config().getBoolean("go_backwards", false)).isTrue();
        assertThat(bi.child(1).weight("bias").data())
                .startsWith(stored(file, "model_weights/bidirectional_1/backward_lstm_1_b_i:0"));
    }

    private static float[] stored(Path file, String dataset) {
        try (HdfFile h5 = new HdfFile(file)) {
            Dataset ds = h5.getDatasetByPath(dataset);
            return Hdf5Arrays.read(ds, dataset, new DatasetBudget(file.toString(), h5.size())).data();
        }
    }

    /** Copies a .keras archive, replacing one entry's text, or dropping it when {@code edit} is null. */
    static void rewriteArchive(Path source, Path target, String entry, UnaryOperator<String> edit) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(source));
             ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                byte[] data = in.readAllBytes();
                if (e.getName().equals(entry)) {
                    if (edit == null) {
                        continue;
                    }
                    data = edit.apply(new String(data, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(data);
                out.closeEntry();
            }
        }
        Files.write(target, bytes.toByteArray());
    }
}
