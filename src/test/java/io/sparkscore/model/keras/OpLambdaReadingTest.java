package io.sparkscore.model.keras;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.ShapeInference;
import io.sparkscore.model.UnsupportedLayerException;
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
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A tf.keras 2 functional config using raw ops on Keras tensors, spelled as tf.keras writes it (TFOpLambda /
 * SlicingOpLambda layers named {@code tf.math.multiply}, the function's arguments in each inbound node's kwargs, a
 * slice spec of slice objects), scored on both paths against values worked out by hand; functions outside the
 * whitelist and constant first operands are refused naming them.
 */
class OpLambdaReadingTest {

    private static final Configuration CONF = new Configuration();
    private static final String FULL = "{\"start\": null, \"stop\": null, \"step\": null}";

    @TempDir
    Path tmp;

    private static String op(String cls, String function, String inbound) {
        return "{\"class_name\": \"" + cls + "\", \"config\": {\"name\": \"tf." + function + "\", \"trainable\": true,"
                + " \"dtype\": \"float32\", \"function\": \"" + function + "\"}, \"name\": \"tf." + function + "\","
                + " \"inbound_nodes\": [" + inbound + "]}";
    }

    private ModelSpec read(String layers, String outputs, String... names) throws IOException {
        Path json = Files.writeString(tmp.resolve("ops.json"), "{\"class_name\": \"Functional\", \"config\": {\"name\":"
                + " \"model\", \"layers\": [{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\":"
                + " [null, 2, 3], \"name\": \"x\"}, \"name\": \"x\", \"inbound_nodes\": []}, " + layers + "],"
                + " \"input_layers\": [[\"x\", 0, 0]], \"output_layers\": [" + outputs + "]}}");
        Path weights = tmp.resolve("ops.h5");
        Files.deleteIfExists(weights);
        try (WritableHdfFile h5 = HdfFile.write(weights)) {
            h5.putAttribute("layer_names", names);
            for (String n : names) {
                h5.putGroup(n).putAttribute("backend", "tensorflow");
            }
        }
        return KerasModelReader.readWeightsAndArchitecture(weights.toString(), json.toString(), CONF);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void rawOpsScoreAsTensorFlowComputesThem(PredictionPath path) throws IOException {
        String layers = String.join(", ",
                op("SlicingOpLambda", "__operators__.getitem", "[[\"x\", 0, 0, {\"slice_spec\": [" + FULL + ", "
                        + FULL + ", {\"start\": 1, \"stop\": null, \"step\": null}]}]]"),
                op("TFOpLambda", "math.multiply", "[[\"tf.__operators__.getitem\", 0, 0, {\"y\": 2.0, \"name\":"
                        + " null}]]"),
                op("TFOpLambda", "reshape", "[[\"tf.math.multiply\", 0, 0, {\"shape\": [-1, 4], \"name\": null}]]"),
                op("TFOpLambda", "concat", "[[\"tf.reshape\", 0, 0, {\"axis\": -1, \"name\": null}], [\"tf.reshape\","
                        + " 0, 0, {\"axis\": -1, \"name\": null}]]"),
                op("TFOpLambda", "math.reduce_sum", "[[\"x\", 0, 0, {\"axis\": 2, \"keepdims\": false, \"name\":"
                        + " null}]]"),
                op("TFOpLambda", "math.subtract", "[[\"tf.math.reduce_sum\", 0, 0, {\"y\": [\"tf.math.reduce_sum\","
                        + " 0, 0], \"name\": null}]]"));
        ModelSpec spec = read(layers, "[\"tf.concat\", 0, 0], [\"tf.math.reduce_sum\", 0, 0], [\"tf.math.subtract\","
                + " 0, 0]", "x", "tf.__operators__.getitem", "tf.math.multiply", "tf.reshape", "tf.concat",
                "tf.math.reduce_sum", "tf.math.subtract");
        float[][] out = {new float[8], new float[2], new float[2]};
        try (LoadedModel model = PredictionPaths.load(spec, path, RuntimeOptions.singleThreaded());
             Predictor p = model.newPredictor(1)) {
            p.predict(new float[][] {{1, 2, 3, 4, 5, 6}}, 1, out);
        }
        // x[:, :, 1:] = [[2, 3], [5, 6]]; times 2, flattened, twice; the row sums 1+2+3 and 4+5+6; minus itself
        assertThat(out[0]).containsExactly(4, 6, 10, 12, 4, 6, 10, 12);
        assertThat(out[1]).containsExactly(6, 15);
        assertThat(out[2]).containsExactly(0, 0);
    }

    @Test
    void aFunctionOutsideTheWhitelistIsRefusedNamingIt() {
        String layers = op("TFOpLambda", "math.cumsum", "[[\"x\", 0, 0, {\"axis\": 1, \"name\": null}]]");
        assertThatThrownBy(() -> read(layers, "[\"tf.math.cumsum\", 0, 0]", "x", "tf.math.cumsum"))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessageStartingWith("layer 'tf.math.cumsum' (TFOpLambda): applies the TensorFlow function"
                        + " 'math.cumsum', which sparkscore does not implement (it never runs code from a model"
                        + " file); supported functions: math.add, __operators__.add,");
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void aConstantFirstOperandComesFirst(PredictionPath path) throws IOException {
        // 1 - x and 2 / x: tf.keras writes the constant as ["_CONSTANT_VALUE", -1, c, {"y": x}]
        String layers = String.join(", ",
                op("TFOpLambda", "math.subtract", "[[\"_CONSTANT_VALUE\", -1, 1.0, {\"y\": [\"x\", 0, 0],"
                        + " \"name\": null}]]"),
                op("TFOpLambda", "math.truediv", "[[\"_CONSTANT_VALUE\", -1, 2.0, {\"y\": [\"x\", 0, 0],"
                        + " \"name\": null}]]"));
        ModelSpec spec = read(layers, "[\"tf.math.subtract\", 0, 0], [\"tf.math.truediv\", 0, 0]", "x",
                "tf.math.subtract", "tf.math.truediv");
        float[][] out = {new float[6], new float[6]};
        try (LoadedModel model = PredictionPaths.load(spec, path, RuntimeOptions.singleThreaded());
             Predictor p = model.newPredictor(1)) {
            p.predict(new float[][] {{1, 2, 4, -1, 0.5f, 8}}, 1, out);
        }
        assertThat(out[0]).containsExactly(0, -1, -3, 2, 0.5f, -7);
        assertThat(out[1]).containsExactly(2, 1, 0.5f, -2, 4, 0.25f);
    }

    @Test
    void slicingTheBatchIsRefusedOnceTheShapesAreKnown() throws IOException {
        String layers = op("SlicingOpLambda", "__operators__.getitem", "[[\"x\", 0, 0, {\"slice_spec\":"
                + " {\"start\": 0, \"stop\": 1, \"step\": null}}]]");
        ModelSpec spec = read(layers, "[\"tf.__operators__.getitem\", 0, 0]", "x", "tf.__operators__.getitem");
        assertThatThrownBy(() -> ShapeInference.infer(spec))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessageContaining("selects along the batch dimension");
    }
}
