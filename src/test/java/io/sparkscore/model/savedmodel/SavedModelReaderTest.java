package io.sparkscore.model.savedmodel;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.ModelReaders;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SampleModels;
import io.sparkscore.model.ShapeInference;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SavedModelReaderTest {

    private static final Configuration CONF = new Configuration();
    private static final List<String> SERVE = List.of("serve");

    @TempDir
    static Path tmp;
    static Path savedModel;

    @BeforeAll
    static void export() throws IOException {
        savedModel = TinySavedModel.export(SampleModels.tiny(7), tmp.resolve("tiny_sm"));
    }

    @Test
    void signatureInputsAndOutputsBecomeTheSpec() {
        ModelSpec spec = SavedModelReader.read(savedModel.toString(), CONF, "serving_default", SERVE);

        assertThat(spec.name()).isEqualTo("tiny_sm");
        assertThat(spec.sourceFormat()).isEqualTo("tf-savedmodel");
        assertThat(spec.inputs()).hasSize(1);
        assertThat(spec.inputs().get(0).name()).isEqualTo("x");
        assertThat(spec.inputs().get(0).shape()).containsExactly(4);
        assertThat(spec.inputs().get(0).dtype()).isEqualTo("float32");
        assertThat(spec.outputs()).containsExactly("y");
        LayerSpec y = spec.layer("y");
        assertThat(y.className()).isEqualTo("SavedModelOutput");
        assertThat(y.config().asMap()).containsEntry("output", "y").containsEntry("shape", List.of(1))
                .containsEntry("signature", "serving_default").containsEntry("tags", SERVE)
                .containsEntry("input_keys", List.of("x")).containsEntry("input_dtypes", List.of("float32"));
        assertThat(ShapeInference.infer(spec).get("y")).containsExactly(1);
        assertThat(spec.artifacts()).containsOnlyKeys("saved_model.zip");
    }

    @Test
    void theSameDirectoryHashesTheSameAndTheDispatcherRecognisesIt() {
        ModelSpec a = SavedModelReader.read(savedModel.toString(), CONF, "serving_default", SERVE);
        ModelSpec b = ModelReaders.read("file://" + savedModel, CONF, SavedModelOptions.DEFAULTS);
        assertThat(b.hash()).isEqualTo(a.hash());
        assertThat(b.sourceFormat()).isEqualTo("tf-savedmodel");
    }

    @Test
    void aMissingSignatureListsTheAvailableOnes() {
        String path = savedModel.toString();
        assertThatThrownBy(() -> SavedModelReader.read(path, CONF, "predict", SERVE))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(path + ": has no signature 'predict' in the MetaGraphDef tagged [serve]; available"
                        + " signatures: [serving_default]; pass one of them with --signature");
    }

    @Test
    void aMissingTagSetListsTheAvailableOnes() {
        String path = savedModel.toString();
        assertThatThrownBy(() -> SavedModelReader.read(path, CONF, "serving_default", List.of("serve", "gpu")))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(path + ": has no MetaGraphDef tagged [gpu, serve]; available tag sets: [[serve]]; pass"
                        + " one of them with --tags");
    }

    @Test
    void aCorruptGraphFileIsRefused() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("corrupt"));
        Files.write(dir.resolve("saved_model.pb"), new byte[] {0x0a, (byte) 0xff, 0x01, 0x02});
        String path = dir.toString();
        assertThatThrownBy(() -> ModelReaders.read(path, CONF, SavedModelOptions.DEFAULTS))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith(path + ": saved_model.pb is not a valid SavedModel protobuf (")
                .hasMessageEndingWith("); the file is corrupt or truncated: export the model again");
    }

    @Test
    void aDirectoryWithoutGraphFileIsNotTakenForASavedModel() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        String path = dir.toString();
        assertThatThrownBy(() -> ModelReaders.read(path, CONF, SavedModelOptions.DEFAULTS))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(path + ": is a directory, not a Keras model file; pass a .keras file (Keras 3) or an .h5"
                        + " file, or a TensorFlow SavedModel directory (one holding saved_model.pb)");
    }

    @Test
    void aDirectoryMissingItsVariablesIsRefused() throws IOException {
        Path dir = TinySavedModel.export(SampleModels.tiny(7), tmp.resolve("novars"));
        Files.delete(dir.resolve("variables/variables.index"));
        String path = dir.toString();
        assertThatThrownBy(() -> SavedModelReader.read(path, CONF, "serving_default", SERVE))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(path + ": its graph has variables but the directory holds no variables/variables.index,"
                        + " so their values are missing; copy the whole SavedModel directory, including variables/");
    }

    @Test
    void float64AndIntegerDtypesAreKept() throws IOException {
        Path dir = TinySavedModel.export(SampleModels.tiny(7), tmp.resolve("f64"),
                org.tensorflow.types.TFloat64.class, org.tensorflow.types.TInt64.class, "serve", "serving_default");
        ModelSpec spec = SavedModelReader.read(dir.toString(), CONF, "serving_default", SERVE);
        assertThat(spec.inputs().get(0).dtype()).isEqualTo("float64");
        assertThat(spec.layer("y").config().asMap()).containsEntry("dtype", "int64");
    }

    @Test
    void optionsNeedASignatureAndTags() {
        assertThatThrownBy(() -> new SavedModelOptions("", SERVE)).hasMessage("a SavedModel signature key must not"
                + " be empty (the usual one is serving_default)");
        assertThatThrownBy(() -> new SavedModelOptions("serving_default", List.of())).hasMessage("a SavedModel needs"
                + " at least one tag to pick a MetaGraphDef (the usual one is serve)");
        assertThat(SavedModelOptions.DEFAULTS).isEqualTo(new SavedModelOptions("serving_default", SERVE));
    }

    @Test
    void aDirectoryWithMoreFilesThanASavedModelHasIsRefusedBeforeReadingThem() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("many_files"));
        Files.copy(savedModel.resolve(SavedModelReader.GRAPH_FILE), dir.resolve(SavedModelReader.GRAPH_FILE));
        Path assets = Files.createDirectories(dir.resolve("assets"));
        for (int i = 0; i < 1_000; i++) {
            Files.write(assets.resolve("a" + i), new byte[0]);
        }

        assertThatThrownBy(() -> SavedModelReader.read(dir.toString(), CONF, "serving_default", SERVE))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(dir + ": holds more than 1000 files, far more than a SavedModel has; is it the right"
                        + " directory?");
    }
}
