package io.sparkscore.model.keras;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import io.sparkscore.ml.InputBinding;
import io.sparkscore.job.JobOptions;
import io.sparkscore.job.LocalSpark;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.UnsupportedLayerException;
import io.sparkscore.runtime.PredictionPath;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Functional graphs in both config spellings: shared layers, several inputs and outputs, a nested model, Keras 3
 * serialised objects, and the weights+JSON pair.
 */
class KerasGraphReadingTest {

    private static final Configuration CONF = new Configuration();

    @TempDir
    Path tmp;

    private static String tensor(String layer, int node) {
        return "{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": [null, 3], \"dtype\": \"float32\", "
                + "\"keras_history\": [\"" + layer + "\", " + node + ", 0]}}";
    }

    private static final String KERAS3_CONFIG = """
            {"module": "keras.src.models.functional", "class_name": "Functional", "registered_name": "Functional",
             "config": {"name": "outer", "trainable": true,
              "layers": [
               {"module": "keras.layers", "class_name": "InputLayer", "name": "left", "inbound_nodes": [],
                "config": {"batch_shape": [null, 3], "dtype": "float32", "name": "left"}},
               {"module": "keras.layers", "class_name": "InputLayer", "name": "right", "inbound_nodes": [],
                "config": {"batch_shape": [null, 3], "dtype": "float32", "name": "right"}},
               {"module": "keras.layers", "class_name": "Dense", "name": "shared", "registered_name": null,
                "config": {"name": "shared", "units": 2, "use_bias": true,
                  "activation": {"module": "keras.activations", "class_name": "function", "config": "relu",
                                 "registered_name": "relu"},
                  "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
                            "registered_name": null, "shared_object_id": 140},
                  "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                            "config": {"seed": null}, "registered_name": null, "shared_object_id": 141}},
                "inbound_nodes": [{"args": [LEFT], "kwargs": {}}, {"args": [RIGHT], "kwargs": {"training": false}}]},
               {"module": "keras.layers", "class_name": "Add", "name": "add", "config": {"name": "add"},
                "inbound_nodes": [{"args": [[SHARED0, SHARED1]], "kwargs": {}}]},
               {"module": "keras", "class_name": "Sequential", "name": "tower", "registered_name": null,
                "config": {"name": "tower", "layers": [
                  {"module": "keras.layers", "class_name": "InputLayer",
                   "config": {"batch_shape": [null, 2], "dtype": "float32", "name": "tower_in"}},
                  {"module": "keras.layers", "class_name": "Dense",
                   "config": {"name": "dense", "units": 1, "activation": "linear", "use_bias": false}},
                  {"module": "keras.layers", "class_name": "Activation",
                   "config": {"name": "act", "activation": "sigmoid"}}]},
                "inbound_nodes": [{"args": [ADD], "kwargs": {}}]},
               {"module": "keras.layers", "class_name": "Dense", "name": "dense",
                "config": {"name": "dense", "units": 4, "activation": "softmax", "use_bias": true},
                "inbound_nodes": [{"args": [ADD], "kwargs": {}}]}],
              "input_layers": [["left", 0, 0], ["right", 0, 0]],
              "output_layers": [["tower", 0, 0], ["dense", 0, 0]]}}
            """.replace("LEFT", tensor("left", 0)).replace("RIGHT", tensor("right", 0))
            .replace("SHARED0", tensor("shared", 0)).replace("SHARED1", tensor("shared", 1))
            .replace("ADD", tensor("add", 0));

    /** The Keras 3 graph of {@link #KERAS3_CONFIG}: a shared Dense, a nested Sequential "tower", two outputs. */
    private Path keras3Graph() throws IOException {
        Path weights = tmp.resolve("w.h5");
        try (WritableHdfFile h5 = HdfFile.write(weights)) {
            WritableGroup layers = h5.putGroup("layers");
            WritableGroup shared = layers.putGroup("dense").putGroup("vars");
            shared.putDataset("0", new float[][] {{1, 2}, {3, 4}, {5, 6}});
            shared.putDataset("1", new float[] {0.5f, -0.5f});
            layers.putGroup("sequential").putGroup("layers").putGroup("dense").putGroup("vars")
                    .putDataset("0", new float[][] {{7}, {8}});
            WritableGroup outer = layers.putGroup("dense_1").putGroup("vars");
            outer.putDataset("0", new float[][] {{1, 1, 1, 1}, {2, 2, 2, 2}});
            outer.putDataset("1", new float[] {0, 0, 0, 9});
        }
        Path file = tmp.resolve("graph.keras");
        zip(file, KERAS3_CONFIG, Files.readAllBytes(weights));
        return file;
    }

    @Test
    void keras3FunctionalWithSharedLayerNestedSequentialAndTwoOutputs() throws IOException {
        ModelSpec spec = KerasModelReader.read(keras3Graph().toString(), CONF);

        assertThat(spec.name()).isEqualTo("outer");
        assertThat(spec.inputs().toString()).isEqualTo("[left(3,), right(3,)]");
        assertThat(spec.nodes()).containsExactly(
                new NodeSpec("shared", "shared", List.of("left")),
                new NodeSpec("shared_1", "shared", List.of("right")),
                new NodeSpec("add", "add", List.of("shared", "shared_1")),
                new NodeSpec("dense", "dense", List.of("add")),
                new NodeSpec("tower", "act", List.of("dense")),
                new NodeSpec("dense_1", "dense_1", List.of("add")));
        // the nested Sequential's output is named after it, as Keras names the model's outputs
        assertThat(spec.outputs()).containsExactly("tower", "dense_1");
        LayerSpec shared = spec.layer("shared");
        assertThat(shared.config().asMap()).containsOnly(java.util.Map.entry("units", 2),
                java.util.Map.entry("use_bias", true), java.util.Map.entry("activation", "relu"),
                java.util.Map.entry("dtype", "float32"));
        assertThat(shared.weight("kernel").data()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(spec.layer("dense").weight("kernel").data()).containsExactly(7, 8);
        assertThat(spec.layer("dense").hasWeight("bias")).isFalse();
        assertThat(spec.layer("dense_1").weight("bias").data()).containsExactly(0, 0, 0, 9);
        assertThat(spec.paramCount()).isEqualTo(8 + 2 + 12);
    }

    /** Scored through the job, the nested model's output column carries the nested model's name. */
    @Test
    void aNestedModelsOutputColumnIsNamedAfterTheNestedModel() throws IOException {
        SparkSession spark = LocalSpark.get();
        String data = tmp.resolve("rows").toString();
        spark.range(6).selectExpr("id", "array(cast(id as float), 1f, 2f) as l",
                "array(3f, cast(id as float), 0f) as r").write().parquet(data);
        String out = tmp.resolve("scored").toString();
        new ScoringJob(spark, JobOptions.builder().setModel(keras3Graph().toString()).setInput(data)
                .setBindings(List.of(InputBinding.array("left", "l"), InputBinding.array("right", "r")))
                .optOutput(out).optKeep(List.of("id")).optBatchSize(Optional.of(4))
                .optPath(Optional.of(PredictionPath.JVM)).build()).run();

        assertThat(spark.read().parquet(out).schema().fieldNames()).containsExactly("id", "tower", "dense_1");
    }

    /** As Keras 3.15 writes it: output_layers count the node a nested Functional model gets when it is built. */
    private static final String KERAS3_NESTED_FUNCTIONAL_TWICE = """
            {"module": "keras.src.models.functional", "class_name": "Functional", "registered_name": "Functional",
             "config": {"name": "outer2", "trainable": true,
              "layers": [
               {"module": "keras.layers", "class_name": "InputLayer", "name": "x", "inbound_nodes": [],
                "config": {"batch_shape": [null, 3], "dtype": "float32", "name": "x"}},
               {"module": "keras.layers", "class_name": "InputLayer", "name": "y", "inbound_nodes": [],
                "config": {"batch_shape": [null, 3], "dtype": "float32", "name": "y"}},
               {"module": "keras.src.models.functional", "class_name": "Functional", "name": "inner",
                "registered_name": "Functional",
                "config": {"name": "inner", "trainable": true,
                  "layers": [
                   {"module": "keras.layers", "class_name": "InputLayer", "name": "fin", "inbound_nodes": [],
                    "config": {"batch_shape": [null, 3], "dtype": "float32", "name": "fin"}},
                   {"module": "keras.layers", "class_name": "Dense", "name": "f1",
                    "config": {"name": "f1", "units": 3}, "inbound_nodes": [{"args": [FIN], "kwargs": {}}]},
                   {"module": "keras.layers", "class_name": "Dense", "name": "f2",
                    "config": {"name": "f2", "units": 3}, "inbound_nodes": [{"args": [FIN], "kwargs": {}}]}],
                  "input_layers": [["fin", 0, 0]],
                  "output_layers": [["f1", 0, 0], ["f2", 0, 0]]},
                "inbound_nodes": [{"args": [X], "kwargs": {"mask": null}}, {"args": [Y], "kwargs": {"mask": null}}]},
               {"module": "keras.layers", "class_name": "Add", "name": "sum", "config": {"name": "sum"},
                "inbound_nodes": [{"args": [[I00, I01, I10, I11]], "kwargs": {}}]}],
              "input_layers": [["x", 0, 0], ["y", 0, 0]],
              "output_layers": [["sum", 0, 0], ["inner", 1, 1]]}}
            """.replace("FIN", tensor("fin", 0)).replace("X", tensor("x", 0)).replace("Y", tensor("y", 0))
            .replace("I00", tensor("inner", 0)).replace("I10", tensor("inner", 1))
            .replace("I01", tensor("inner", 0).replace(", 0]", ", 1]"))
            .replace("I11", tensor("inner", 1).replace(", 0]", ", 1]"));

    @Test
    void keras3OutputOfANestedFunctionalModelIsShiftedByItsBuildNode() throws IOException {
        Path weights = tmp.resolve("twice.h5");
        try (WritableHdfFile h5 = HdfFile.write(weights)) {
            WritableGroup inner = h5.putGroup("layers").putGroup("functional").putGroup("layers");
            WritableGroup f1 = inner.putGroup("dense").putGroup("vars");
            f1.putDataset("0", new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
            f1.putDataset("1", new float[] {1, 1, 1});
            WritableGroup f2 = inner.putGroup("dense_1").putGroup("vars");
            f2.putDataset("0", new float[][] {{2, 0, 0}, {0, 2, 0}, {0, 0, 2}});
            f2.putDataset("1", new float[] {2, 2, 2});
        }
        Path file = tmp.resolve("twice.keras");
        zip(file, KERAS3_NESTED_FUNCTIONAL_TWICE, Files.readAllBytes(weights));

        ModelSpec spec = KerasModelReader.read(file.toString(), CONF);

        assertThat(spec.nodes()).containsExactly(
                new NodeSpec("f1", "f1", List.of("x")), new NodeSpec("inner", "f2", List.of("x")),
                new NodeSpec("f1_1", "f1", List.of("y")), new NodeSpec("f2_1", "f2", List.of("y")),
                new NodeSpec("sum", "sum", List.of("f1", "inner", "f1_1", "f2_1")));
        // ["inner", 1, 1] is output 1 of the first call; it is named after the nested model, as Keras names it
        assertThat(spec.outputs()).containsExactly("sum", "inner");
        assertThat(spec.layer("f2").weight("bias").data()).containsExactly(2, 2, 2);
    }

    private static final String KERAS2_JSON = """
            {"class_name": "Model", "keras_version": "2.2.4", "backend": "tensorflow",
             "config": {"name": "twice",
              "layers": [
               {"name": "in", "class_name": "InputLayer", "inbound_nodes": [],
                "config": {"batch_input_shape": [7, 3], "dtype": "float32", "name": "in"}},
               {"name": "d", "class_name": "Dense", "inbound_nodes": [[["in", 0, 0, {}]], [["d", 0, 0, {}]]],
                "config": {"name": "d", "units": 3, "activation": "hard_sigmoid", "use_bias": true}},
               {"name": "m", "class_name": "Multiply", "config": {"name": "m"},
                "inbound_nodes": [[["d", 0, 0, {}], ["d", 1, 0, {}]]]}],
              "input_layers": [["in", 0, 0]],
              "output_layers": ["m", 0, 0]}}
            """;

    @Test
    void keras2FunctionalWithALayerCalledTwiceFromWeightsAndJson() throws IOException {
        Path json = Files.writeString(tmp.resolve("arch.json"), KERAS2_JSON);
        Path weights = tmp.resolve("weights.h5");
        try (WritableHdfFile h5 = HdfFile.write(weights)) {
            h5.putAttribute("layer_names", new String[] {"in", "d", "m"});
            h5.putAttribute("keras_version", "2.2.4");
            h5.putAttribute("backend", "tensorflow");
            WritableGroup d = h5.putGroup("d");
            d.putAttribute("weight_names", new String[] {"d/kernel:0", "d/bias:0"});
            WritableGroup inner = d.putGroup("d");
            inner.putDataset("bias:0", new float[] {1, 2, 3});
            inner.putDataset("kernel:0", new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
        }

        ModelSpec spec = KerasModelReader.readWeightsAndArchitecture(weights.toString(), json.toString(), CONF);

        assertThat(spec.sourceFormat()).isEqualTo("keras-h5-weights+json");
        assertThat(spec.inputs().toString()).isEqualTo("[in(3,)]");
        assertThat(spec.nodes()).containsExactly(
                new NodeSpec("d", "d", List.of("in")),
                new NodeSpec("d_1", "d", List.of("d")),
                new NodeSpec("m", "m", List.of("d", "d_1")));
        assertThat(spec.outputs()).containsExactly("m");
        assertThat(spec.layer("d").config().getString("activation", null)).isEqualTo("hard_sigmoid_keras2");
        assertThat(spec.layer("d").weight("bias").data()).containsExactly(1, 2, 3);
    }

    private static final String KERAS2_NESTED_JSON = """
            {"class_name": "Model", "config": {"name": "outer",
              "layers": [
               {"name": "x", "class_name": "InputLayer", "inbound_nodes": [],
                "config": {"batch_input_shape": [null, 2], "dtype": "float32", "name": "x"}},
               {"name": "block", "class_name": "Sequential", "inbound_nodes": [[["x", 0, 0, {}]]],
                "config": {"name": "block", "layers": [
                  {"class_name": "BatchNormalization", "config": {"name": "bn", "batch_input_shape": [null, 2],
                   "axis": -1, "epsilon": 0.001, "center": true, "scale": true}},
                  {"class_name": "Dense", "config": {"name": "d", "units": 1, "activation": "linear",
                   "use_bias": true}}]}}],
              "input_layers": [["x", 0, 0]],
              "output_layers": [["block", 1, 0]]}}
            """;

    @Test
    void keras2NestedModelWeightsAreMatchedByNameEvenWhenTrainableOnesComeFirst() throws IOException {
        Path json = Files.writeString(tmp.resolve("nested.json"), KERAS2_NESTED_JSON);
        Path weights = tmp.resolve("nested.h5");
        try (WritableHdfFile h5 = HdfFile.write(weights)) {
            h5.putAttribute("layer_names", new String[] {"x", "block"});
            h5.putAttribute("keras_version", "2.4.0");
            WritableGroup block = h5.putGroup("block");
            block.putAttribute("weight_names", new String[] {"bn/gamma:0", "bn/beta:0", "d/kernel:0", "d/bias:0",
                    "bn/moving_mean:0", "bn/moving_variance:0"});
            WritableGroup bn = block.putGroup("bn");
            bn.putDataset("gamma:0", new float[] {1, 2});
            bn.putDataset("beta:0", new float[] {3, 4});
            bn.putDataset("moving_mean:0", new float[] {5, 6});
            bn.putDataset("moving_variance:0", new float[] {7, 8});
            WritableGroup d = block.putGroup("d");
            d.putDataset("kernel:0", new float[][] {{9}, {10}});
            d.putDataset("bias:0", new float[] {11});
        }

        ModelSpec spec = KerasModelReader.readWeightsAndArchitecture(weights.toString(), json.toString(), CONF);

        assertThat(spec.nodes()).containsExactly(new NodeSpec("bn", "bn", List.of("x")),
                new NodeSpec("block", "d", List.of("bn")));
        assertThat(spec.outputs()).containsExactly("block");
        LayerSpec bn = spec.layer("bn");
        assertThat(bn.weights().keySet()).containsExactly("gamma", "beta", "moving_mean", "moving_variance");
        assertThat(bn.weight("moving_mean").data()).containsExactly(5, 6);
        assertThat(bn.weight("moving_variance").data()).containsExactly(7, 8);
        assertThat(spec.layer("d").weight("kernel").data()).containsExactly(9, 10);
    }

    private static final String KERAS2_TWO_OUTPUT_SUBMODEL_JSON = """
            {"class_name": "Model", "config": {"name": "outer",
              "layers": [
               {"name": "x", "class_name": "InputLayer", "inbound_nodes": [],
                "config": {"batch_input_shape": [null, 2], "dtype": "float32", "name": "x"}},
               {"name": "pair", "class_name": "Model", "inbound_nodes": [[["x", 0, 0, {}]]],
                "config": {"name": "pair",
                  "layers": [
                   {"name": "pin", "class_name": "InputLayer", "inbound_nodes": [],
                    "config": {"batch_input_shape": [null, 2], "dtype": "float32", "name": "pin"}},
                   {"name": "p1", "class_name": "Dense", "inbound_nodes": [[["pin", 0, 0, {}]]],
                    "config": {"name": "p1", "units": 1, "activation": "linear", "use_bias": true}},
                   {"name": "p2", "class_name": "Dense", "inbound_nodes": [[["pin", 0, 0, {}]]],
                    "config": {"name": "p2", "units": 1, "activation": "linear", "use_bias": true}}],
                  "input_layers": [["pin", 0, 0]],
                  "output_layers": [["p1", 0, 0], ["p2", 0, 0]]}},
               {"name": "sum", "class_name": "Add", "config": {"name": "sum"},
                "inbound_nodes": [[["pair", 1, 0, {}], ["pair", 1, 1, {}]]]}],
              "input_layers": [["x", 0, 0]],
              "output_layers": [["sum", 0, 0]]}}
            """;

    @Test
    void keras2NestedModelWithTwoOutputsFeedsAnOuterMergeLayer() throws IOException {
        Path json = Files.writeString(tmp.resolve("pair.json"), KERAS2_TWO_OUTPUT_SUBMODEL_JSON);
        Path weights = writePairWeights(tmp.resolve("pair.h5"));

        ModelSpec spec = KerasModelReader.readWeightsAndArchitecture(weights.toString(), json.toString(), CONF);

        assertThat(spec.nodes()).containsExactly(new NodeSpec("p1", "p1", List.of("x")),
                new NodeSpec("p2", "p2", List.of("x")), new NodeSpec("sum", "sum", List.of("p1", "p2")));
        assertThat(spec.layer("p2").weight("bias").data()).containsExactly(6);
    }

    /**
     * As tf.keras 2 writes a pre-built base model called on two inputs (the transfer-learning shape): the base model
     * was built on its own Input, so the outer graph's references to its two calls are nodes 1 and 2, and an output
     * it produces is named after it.
     */
    private static final String TF_KERAS2_BASE_MODEL_CALLED_TWICE_JSON = """
            {"class_name": "Functional", "config": {"name": "outer",
              "layers": [
               {"name": "a", "class_name": "InputLayer", "inbound_nodes": [],
                "config": {"batch_input_shape": [null, 2], "dtype": "float32", "name": "a"}},
               {"name": "b", "class_name": "InputLayer", "inbound_nodes": [],
                "config": {"batch_input_shape": [null, 2], "dtype": "float32", "name": "b"}},
               {"name": "base", "class_name": "Functional",
                "inbound_nodes": [[["a", 0, 0, {}]], [["b", 0, 0, {}]]],
                "config": {"name": "base",
                  "layers": [
                   {"name": "bin", "class_name": "InputLayer", "inbound_nodes": [],
                    "config": {"batch_input_shape": [null, 2], "dtype": "float32", "name": "bin"}},
                   {"name": "bd", "class_name": "Dense", "inbound_nodes": [[["bin", 0, 0, {}]]],
                    "config": {"name": "bd", "units": 1, "activation": "linear", "use_bias": true}}],
                  "input_layers": [["bin", 0, 0]],
                  "output_layers": [["bd", 0, 0]]}},
               {"name": "cat", "class_name": "Concatenate", "config": {"name": "cat", "axis": -1},
                "inbound_nodes": [[["base", 1, 0, {}], ["base", 2, 0, {}]]]}],
              "input_layers": [["a", 0, 0], ["b", 0, 0]],
              "output_layers": [["cat", 0, 0], ["base", 2, 0]]}}
            """;

    @Test
    void tfKeras2BaseModelCalledTwiceIsResolvedFromNodeOneAndItsOutputIsNamedAfterIt() throws IOException {
        Path json = Files.writeString(tmp.resolve("base.json"), TF_KERAS2_BASE_MODEL_CALLED_TWICE_JSON);
        Path weights = tmp.resolve("base.h5");
        try (WritableHdfFile h5 = HdfFile.write(weights)) {
            h5.putAttribute("layer_names", new String[] {"a", "b", "base", "cat"});
            h5.putAttribute("keras_version", "2.15.0");
            WritableGroup base = h5.putGroup("base");
            base.putAttribute("weight_names", new String[] {"bd/kernel:0", "bd/bias:0"});
            WritableGroup bd = base.putGroup("bd");
            bd.putDataset("kernel:0", new float[][] {{1}, {2}});
            bd.putDataset("bias:0", new float[] {3});
        }

        ModelSpec spec = KerasModelReader.readWeightsAndArchitecture(weights.toString(), json.toString(), CONF);

        assertThat(spec.nodes()).containsExactly(new NodeSpec("bd", "bd", List.of("a")),
                new NodeSpec("base", "bd", List.of("b")), new NodeSpec("cat", "cat", List.of("bd", "base")));
        assertThat(spec.outputs()).containsExactly("cat", "base");
    }

    /** A layer with a typed options record has it parsed when the file is read, before any path runs. */
    @Test
    void anUnreadableOptionIsRefusedWhenTheFileIsRead() {
        Map<String, Object> cropping = new LinkedHashMap<>();
        cropping.put("cropping", List.of(1, -2, 0));
        LayerSpec crop = new LayerSpec("crop", "Cropping3D", new LayerConfig("crop",
                "Cropping3D", cropping), Map.of());
        ModelSpec spec = new ModelSpec("m", "programmatic", "3.6.0",
                List.of(new InputSpec("x", new int[] {4, 5, 6, 1}, "float32")), List.of(crop),
                List.of(new NodeSpec("crop", "crop", List.of("x"))), List.of("crop"));
        Path file = tmp.resolve("crop.keras");
        KerasArchiveWriter.write(spec, file);

        assertThatThrownBy(() -> KerasModelReader.read(file.toString(), CONF))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessageContaining("layer 'crop' (Cropping3D): config 'cropping' has a negative amount [-2, -2]");
    }

    @Test
    void readingASecondOutputOfAPlainLayerIsRefused() throws IOException {
        Path json = Files.writeString(tmp.resolve("state.json"), KERAS2_TWO_OUTPUT_SUBMODEL_JSON
                .replace("[\"pair\", 1, 1, {}]", "[\"x\", 0, 1, {}]"));
        Path weights = writePairWeights(tmp.resolve("state.h5"));
        assertThatThrownBy(() -> KerasModelReader.readWeightsAndArchitecture(weights.toString(), json.toString(),
                CONF))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessage("layer 'x' (InputLayer): its output #1 is read by 'sum'; layers with several outputs are "
                        + "not supported (model file " + weights + " with architecture " + json + ")");
    }

    private static Path writePairWeights(Path weights) {
        try (WritableHdfFile h5 = HdfFile.write(weights)) {
            h5.putAttribute("layer_names", new String[] {"x", "pair", "sum"});
            WritableGroup pair = h5.putGroup("pair");
            pair.putAttribute("weight_names", new String[] {"p1/kernel:0", "p1/bias:0", "p2/kernel:0", "p2/bias:0"});
            WritableGroup p1 = pair.putGroup("p1");
            p1.putDataset("kernel:0", new float[][] {{1}, {2}});
            p1.putDataset("bias:0", new float[] {3});
            WritableGroup p2 = pair.putGroup("p2");
            p2.putDataset("kernel:0", new float[][] {{4}, {5}});
            p2.putDataset("bias:0", new float[] {6});
        }
        return weights;
    }

    @Test
    void keras2NestedModelWeightsListedOutOfLayerOrderFollowTheirLayerNames() throws IOException {
        Path json = Files.writeString(tmp.resolve("frozen.json"), """
                {"class_name": "Model", "config": {"name": "outer",
                  "layers": [
                   {"name": "x", "class_name": "InputLayer", "inbound_nodes": [],
                    "config": {"batch_input_shape": [null, 2], "dtype": "float32", "name": "x"}},
                   {"name": "block", "class_name": "Sequential", "inbound_nodes": [[["x", 0, 0, {}]]],
                    "config": {"name": "block", "layers": [
                      {"class_name": "Dense", "config": {"name": "frozen", "batch_input_shape": [null, 2],
                       "units": 2, "trainable": false}},
                      {"class_name": "Dense", "config": {"name": "d", "units": 1}}]}}],
                  "input_layers": [["x", 0, 0]],
                  "output_layers": [["block", 1, 0]]}}
                """);
        Path weights = tmp.resolve("frozen.h5");
        try (WritableHdfFile h5 = HdfFile.write(weights)) {
            h5.putAttribute("layer_names", new String[] {"x", "block"});
            WritableGroup block = h5.putGroup("block");
            // tf.keras lists a frozen layer's weights after the trainable ones
            block.putAttribute("weight_names", new String[] {"d/kernel:0", "d/bias:0", "frozen/kernel:0",
                    "frozen/bias:0"});
            WritableGroup frozen = block.putGroup("frozen");
            frozen.putDataset("kernel:0", new float[][] {{1, 2}, {3, 4}});
            frozen.putDataset("bias:0", new float[] {5, 6});
            WritableGroup d = block.putGroup("d");
            d.putDataset("kernel:0", new float[][] {{7}, {8}});
            d.putDataset("bias:0", new float[] {9});
        }

        ModelSpec spec = KerasModelReader.readWeightsAndArchitecture(weights.toString(), json.toString(), CONF);

        assertThat(spec.layer("frozen").weight("kernel").data()).containsExactly(1, 2, 3, 4);
        assertThat(spec.layer("d").weight("kernel").data()).containsExactly(7, 8);
    }

    @Test
    void weightsOnlyFileWithItsArchitectureJsonMatchesTheFullModel() throws IOException {
        Path full = KerasFixtures.file("dl4j/simple_lstm_tf_keras_2_model.h5");
        String architecture;
        try (HdfFile h5 = new HdfFile(full)) {
            architecture = Hdf5Arrays.string(h5, "model_config");
        }
        Path json = Files.writeString(tmp.resolve("simple_lstm.json"), architecture);
        Path weights = KerasFixtures.file("dl4j/simple_lstm_tf_keras_2_weights_only.h5");

        ModelSpec spec = KerasModelReader.readWeightsAndArchitecture(weights.toString(), json.toString(), CONF);

        assertThat(spec.sourceFormat()).isEqualTo("keras-h5-weights+json");
        assertThat(spec.kerasVersion()).isEqualTo("2.0.6");
        assertThat(spec.paramCount()).isEqualTo(10451);
        assertThat(spec.hash()).isEqualTo(KerasModelReader.read(full.toString(), CONF).hash());
    }

    @Test
    @SuppressWarnings("unchecked")
    void keras3SequentialWithoutInputLayerTakesItsRecordedBuildShape() throws IOException {
        Path file = tmp.resolve("no_input.keras");
        KerasModelReaderErrorsTest.rewriteArchive(KerasFixtures.file("keras3/emg_reshape_lstm_dense_k3.9.2.keras"),
                file, "config.json", json -> {
                    Map<String, Object> config = KerasJson.parseObject(json, "test", "config");
                    List<Object> layers = (List<Object>) ((Map<String, Object>) config.get("config")).get("layers");
                    layers.remove(0);
                    return KerasJson.write(config);
                });

        ModelSpec spec = KerasModelReader.read(file.toString(), CONF);

        assertThat(spec.inputs().toString()).isEqualTo("[input_layer(12,)]");
        assertThat(spec.nodes().get(0).inputs()).containsExactly("input_layer");
        assertThat(spec.paramCount()).isEqualTo(2020);
    }

    @Test
    void initialStatesBecomeExtraInputsOfTheRecurrentNodeInBothSpellings() throws IOException {
        ModelSpec keras2 = KerasModelReader.read(
                KerasFixtures.file("frugally-deep/fdeep_gru_stateless_initial_state.h5").toString(), CONF);
        assertThat(keras2.nodes()).containsExactly(new NodeSpec("gru", "gru", List.of("input_1", "input_2")));

        LayerSpec lstm = new LayerSpec("lstm", "LSTM", new LayerConfig("lstm", "LSTM",
                Map.of("units", 2, "use_bias", true)), KerasArchiveWriterTest.weights(
                KerasArchiveWriterTest.tensor("kernel", 1, 3, 8), KerasArchiveWriterTest.tensor("recurrent_kernel", 2,
                        2, 8), KerasArchiveWriterTest.tensor("bias", 3, 8)));
        ModelSpec spec = new ModelSpec("init", "programmatic", "3", List.of(
                new InputSpec("seq", new int[] {4, 3}, "float32"),
                new InputSpec("h", new int[] {2}, "float32"),
                new InputSpec("c", new int[] {2}, "float32")), List.of(lstm),
                List.of(new NodeSpec("lstm", "lstm", List.of("seq", "h", "c"))), List.of("lstm"));
        Path file = tmp.resolve("init.keras");
        KerasArchiveWriter.write(spec, file);
        ModelSpec keras3 = KerasModelReader.read(file.toString(), CONF);
        assertThat(keras3.nodes()).isEqualTo(spec.nodes());
        assertThat(keras3.hash()).isEqualTo(spec.hash());
    }

    @Test
    void keras3LegacyHdf5NamesTheDepthwiseKernelPlainKernel() throws IOException {
        Path json = Files.writeString(tmp.resolve("dw.json"), """
                {"module": "keras", "class_name": "Sequential", "config": {"name": "dw_model", "layers": [
                  {"module": "keras.layers", "class_name": "InputLayer",
                   "config": {"batch_shape": [null, 4, 4, 2], "dtype": "float32", "name": "img"}},
                  {"module": "keras.layers", "class_name": "DepthwiseConv2D",
                   "config": {"name": "dw", "kernel_size": [1, 1], "use_bias": false}}]}}
                """);
        Path weights = tmp.resolve("dw.h5");
        try (WritableHdfFile h5 = HdfFile.write(weights)) {
            h5.putAttribute("layer_names", new String[] {"dw"});
            h5.putAttribute("keras_version", "3.15.1");
            WritableGroup dw = h5.putGroup("dw");
            dw.putAttribute("weight_names", new String[] {"dw/kernel"});
            dw.putGroup("dw").putDataset("kernel", new float[][][][] {{{{3}, {4}}}});
        }

        ModelSpec spec = KerasModelReader.readWeightsAndArchitecture(weights.toString(), json.toString(), CONF);

        assertThat(spec.layer("dw").weight("depthwise_kernel").data()).containsExactly(3, 4);
        assertThat(spec.inputs().toString()).isEqualTo("[img(4, 4, 2)]");
    }

    @Test
    void keras3WeightsFileWithConfigJsonReadsLikeTheArchive() throws IOException {
        Path archive = tmp.resolve("emg_copy.keras");
        ModelSpec original = KerasModelReader.read(
                KerasFixtures.file("keras3/emg_reshape_lstm_dense_k3.9.2.keras").toString(), CONF);
        KerasArchiveWriter.write(original, archive);
        Path config = tmp.resolve("config.json");
        Path weights = tmp.resolve("model.weights.h5");
        try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(Files.newInputStream(archive))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals("config.json")) {
                    Files.write(config, zip.readAllBytes());
                } else if (e.getName().equals("model.weights.h5")) {
                    Files.write(weights, zip.readAllBytes());
                }
            }
        }

        ModelSpec spec = KerasModelReader.readWeightsAndArchitecture(weights.toString(), config.toString(), CONF);

        assertThat(spec.sourceFormat()).isEqualTo("keras-h5-weights+json");
        assertThat(spec.hash()).isEqualTo(original.hash());
    }

    @Test
    void readsThroughAHadoopFileUri() {
        Path file = KerasFixtures.file("keras3/emg_reshape_lstm_dense_k3.9.2.keras");
        String uri = file.toAbsolutePath().normalize().toUri().toString();
        assertThat(uri).startsWith("file:/");
        ModelSpec viaUri = KerasModelReader.read(uri, CONF);
        assertThat(viaUri.hash()).isEqualTo(KerasModelReader.read(file.toString(), CONF).hash());
    }

    private static void zip(Path target, String config, byte[] weights) throws IOException {
        try (OutputStream out = Files.newOutputStream(target); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("metadata.json"));
            zip.write("{\"keras_version\": \"3.9.2\"}".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("config.json"));
            zip.write(config.getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("model.weights.h5"));
            zip.write(weights);
            zip.closeEntry();
        }
    }
}
