package io.sparkscore.cli;

import io.sparkscore.model.SampleModels;
import io.sparkscore.model.savedmodel.TinySavedModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static io.sparkscore.cli.SparkScoreCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code inspect} on a TensorFlow SavedModel directory: its signature, dtypes and the tf-only support. */
class SavedModelInspectTest {

    @TempDir
    static Path dir;
    static Path savedModel;

    @BeforeAll
    static void export() throws IOException {
        savedModel = TinySavedModel.export(SampleModels.tiny(1), dir.resolve("tiny_sm"));
    }

    @Test
    void listsTheSignatureInputsAndOutputsAndThatOnlyTfRunsIt() {
        SparkScoreCliTest.Run r = run("inspect", "--model", savedModel.toString());
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("Model: \"tiny_sm\" (tf-savedmodel, ")
                .contains("y (SavedModelOutput)")
                .contains("SavedModel signature 'serving_default', tags [serve]\n"
                        + "  input  x: float32 (None, 4)\n"
                        + "  output y: float32 (None, 1)\n")
                .contains("Path tf: can run this model").contains("Path jvm: cannot run this model")
                .contains("jvm lacks y (SavedModelOutput): a TensorFlow SavedModel runs only on the tf path");
    }

    @Test
    void anUnknownSignatureExitsWithModelErrorCodeListingTheAvailableOnes() {
        SparkScoreCliTest.Run r = run("inspect", "--model", savedModel.toString(), "--signature", "predict");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.output()).contains("has no signature 'predict' in the MetaGraphDef tagged [serve]; available"
                + " signatures: [serving_default]; pass one of them with --signature");
    }

    @Test
    void tagsAreCommaSeparated() {
        SparkScoreCliTest.Run r = run("inspect", "--model", savedModel.toString(), "--tags", "serve,gpu");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.output()).contains("has no MetaGraphDef tagged [gpu, serve]; available tag sets: [[serve]]");
    }
}
