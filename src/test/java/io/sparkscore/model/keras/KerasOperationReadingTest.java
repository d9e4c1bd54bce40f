package io.sparkscore.model.keras;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.ShapeInference;
import io.sparkscore.model.UnsupportedLayerException;
import io.sparkscore.model.layers.KerasOperations;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.PredictionPaths;
import io.sparkscore.runtime.Predictor;
import io.sparkscore.runtime.RuntimeOptions;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keras 3 operation layers spelled exactly as Keras 3.15 writes them into {@code config.json} (module
 * {@code keras.src.ops.numpy}, options in the config, tensors and constants positionally in {@code args}, slices as
 * {@code __slice__} objects): read as operations rather than the layers of the same class name, and refused naming
 * the operation or the argument when they would reach the batch or insert an axis.
 */
class KerasOperationReadingTest {

    private static final Configuration CONF = new Configuration();
    private static final String X = "{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": [null, 6],"
            + " \"dtype\": \"float32\", \"keras_history\": [\"x\", 0, 0]}}";

    @TempDir
    Path tmp;

    private static String operation(String module, String cls, String name, String options, String args) {
        return "{\"module\": \"" + module + "\", \"class_name\": \"" + cls + "\", \"registered_name\": \"" + cls
                + "\", \"name\": \"" + name + "\", \"config\": {\"name\": \"" + name + "\"" + options + "},"
                + " \"inbound_nodes\": [{\"args\": [" + args + "], \"kwargs\": {}}]}";
    }

    private ModelSpec read(String layer, String output) throws IOException {
        String config = "{\"module\": \"keras.src.models.functional\", \"class_name\": \"Functional\","
                + " \"registered_name\": \"Functional\", \"config\": {\"name\": \"m\", \"layers\": ["
                + "{\"module\": \"keras.layers\", \"class_name\": \"InputLayer\", \"name\": \"x\", \"config\":"
                + " {\"batch_shape\": [null, 6], \"dtype\": \"float32\", \"name\": \"x\"}, \"inbound_nodes\": []}, "
                + layer + "], \"input_layers\": [[\"x\", 0, 0]], \"output_layers\": [[\"" + output + "\", 0, 0]]}}";
        Path weights = tmp.resolve("empty.weights.h5");
        Files.deleteIfExists(weights);
        try (WritableHdfFile h5 = HdfFile.write(weights)) {
            h5.putAttribute("backend", "jax");
        }
        Path archive = tmp.resolve("op.keras");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(archive))) {
            zip.putNextEntry(new ZipEntry("metadata.json"));
            zip.write("{\"keras_version\": \"3.15.1\"}".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("config.json"));
            zip.write(config.getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("model.weights.h5"));
            zip.write(Files.readAllBytes(weights));
            zip.closeEntry();
        }
        return KerasModelReader.read(archive.toString(), CONF);
    }

    private static float[] predict(ModelSpec spec, PredictionPath path, float[] row, int outSize) {
        float[][] out = {new float[outSize]};
        try (LoadedModel model = PredictionPaths.load(spec, path, RuntimeOptions.singleThreaded());
             Predictor p = model.newPredictor(1)) {
            p.predict(new float[][] {row}, 1, out);
        }
        return out[0];
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void aKeras3AddWithAConstantIsReadAsTheOperationNotTheMergeLayerOfTheSameName(PredictionPath path)
            throws IOException {
        ModelSpec spec = read(operation("keras.src.ops.numpy", "Add", "add", "", X + ", 1.0"), "add");

        assertThat(spec.layer("add").className()).isEqualTo(KerasOperations.CLASS);
        assertThat(predict(spec, path, new float[] {1, 2, 3, -4, 0.5f, 0}, 6))
                .containsExactly(2, 3, 4, -3, 1.5f, 1);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void aConstantFirstOperandAndASliceObjectKeyAreReadInKerasOwnSpelling(PredictionPath path) throws IOException {
        // x[:, 1:5:2] then 10 - that
        String slice = operation("keras.src.ops.numpy", "GetItem", "get_item", "", X + ", [{\"class_name\":"
                + " \"__slice__\", \"config\": {\"start\": null, \"stop\": null, \"step\": null}}, {\"class_name\":"
                + " \"__slice__\", \"config\": {\"start\": 1, \"stop\": 5, \"step\": 2}}]");
        String minus = operation("keras.src.ops.numpy", "Subtract", "subtract", "", "10, {\"class_name\":"
                + " \"__keras_tensor__\", \"config\": {\"shape\": [null, 2], \"dtype\": \"float32\","
                + " \"keras_history\": [\"get_item\", 0, 0]}}");
        ModelSpec spec = read(slice + ", " + minus, "subtract");

        assertThat(predict(spec, path, new float[] {1, 2, 3, 4, 5, 6}, 2)).containsExactly(8, 6);
    }

    @Test
    void anOperationOutsideTheWhitelistIsRefusedNamingModuleAndClass() {
        assertThatThrownBy(() -> read(operation("keras.src.ops.numpy", "Cumsum", "cumsum", ", \"axis\": 1,"
                + " \"dtype\": null", X), "cumsum"))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessageStartingWith("layer 'cumsum' (Cumsum): is the Keras 3 operation"
                        + " keras.src.ops.numpy.Cumsum applied to a Keras tensor, which sparkscore does not implement")
                .hasMessageContaining("keras.src.ops.nn.Relu");
    }

    @Test
    void aReshapeWhoseNewshapeCoversTheBatchIsRefused() throws IOException {
        // Keras 3's newshape includes the batch: reshape(x, (2, 3)) reshapes the whole batch, not each row
        ModelSpec spec = read(operation("keras.src.ops.numpy", "Reshape", "reshape", ", \"newshape\": [2, 3]", X),
                "reshape");
        assertThatThrownBy(() -> ShapeInference.infer(spec))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessageContaining("keras.src.ops.numpy.Reshape with shape [2, 3] does not keep the batch"
                        + " dimension");
    }

    @Test
    void anIndexInsertingANewAxisIsRefused() throws IOException {
        ModelSpec spec = read(operation("keras.src.ops.numpy", "GetItem", "get_item", "", X + ", [{\"class_name\":"
                + " \"__slice__\", \"config\": {\"start\": null, \"stop\": null, \"step\": null}}, null]"), "get_item");
        assertThatThrownBy(() -> ShapeInference.infer(spec))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessageContaining("inserts a new axis (None)");
    }

    @Test
    void aSumWithoutAxesIsRefusedAsItReducesTheBatch() throws IOException {
        ModelSpec spec = read(operation("keras.src.ops.numpy", "Sum", "sum", ", \"axis\": null, \"keepdims\": false",
                X), "sum");
        assertThatThrownBy(() -> ShapeInference.infer(spec))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessageContaining("keras.src.ops.numpy.Sum without axis acts on the batch dimension too");
    }

    @Test
    void theOperationClassIsNotALayerAFileCanName() {
        String fake = "{\"module\": \"keras.layers\", \"class_name\": \"Operation\", \"name\": \"op\", \"config\":"
                + " {\"name\": \"op\", \"operation\": \"numpy.Add\"}, \"inbound_nodes\": [{\"args\": [" + X + ", 1.0],"
                + " \"kwargs\": {}}]}";
        assertThatThrownBy(() -> read(fake, "op"))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessageContaining("is not a Keras layer class");
    }
}
