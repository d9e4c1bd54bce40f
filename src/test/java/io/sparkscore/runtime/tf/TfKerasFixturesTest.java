package io.sparkscore.runtime.tf;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SequentialBuilder;
import io.sparkscore.model.Tensor;
import io.sparkscore.runtime.Predictor;
import io.sparkscore.runtime.RuntimeOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.sparkscore.runtime.tf.TfTesting.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Scores real Keras 2 models (weights and Keras' own predict() results from /work/shared fixtures, read with jhdf)
 * on the tf path. Layer configs restate the files' model_config; skipped when the shared folder is absent.
 */
class TfKerasFixturesTest {

    private static final float TOLERANCE = 2e-5f;

    private static Path fixtures() {
        Path shared = Path.of(System.getProperty("sparkscore.shared.dir", "../shared"));
        Path dir = shared.resolve("fixtures/keras/dl4j");
        Assumptions.assumeTrue(Files.isDirectory(dir), "Keras fixtures not found under " + dir
                + "; set -Dsparkscore.shared.dir to the shared folder to run these checks");
        return dir;
    }

    /** Weights of one layer by canonical name, from model_weights/<layer>/.../<name>:0. */
    private static Map<String, Tensor> weights(HdfFile file, String layerName) {
        Map<String, Tensor> r = new LinkedHashMap<>();
        collect((Group) file.getByPath("/model_weights/" + layerName), r);
        return r;
    }

    private static void collect(Group group, Map<String, Tensor> into) {
        for (Node n : group.getChildren().values()) {
            if (n.isGroup()) {
                collect((Group) n, into);
            } else {
                String name = n.getName().replace(":0", "");
                Dataset d = (Dataset) n;
                into.put(name, new Tensor(name, d.getDimensions(), floats(d.getDataFlat())));
            }
        }
    }

    private static float[] floats(Object flat) {
        if (flat instanceof float[] f) {
            return f;
        }
        double[] d = (double[]) flat;
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static LayerSpec layer(HdfFile model, String name, String className, Map<String, Object> config) {
        return TfTesting.layer(name, className, config, weights(model, name).values().toArray(new Tensor[0]));
    }

    /** Scores the inputs stored in an inputs_and_outputs file and compares with Keras' predictions. */
    private static void assertMatchesKeras(String modelFile, String dataFile, String inputName, String outputName,
                                           int[] inputShape, String kerasVersion, LayerSpecs layers) throws Exception {
        Path dir = fixtures();
        try (HdfFile model = new HdfFile(dir.resolve(modelFile)); HdfFile data = new HdfFile(dir.resolve(dataFile))) {
            Dataset in = data.getDatasetByPath("/inputs/" + inputName);
            Dataset expected = data.getDatasetByPath("/predictions/" + outputName);
            float[] x = floats(in.getDataFlat());
            float[] y = floats(expected.getDataFlat());
            SequentialBuilder b = new SequentialBuilder("fixture", inputShape);
            for (LayerSpec l : layers.of(model)) {
                b.add(l);
            }
            ModelSpec built = b.build();
            ModelSpec spec = new ModelSpec(built.name(), "keras-h5", kerasVersion, built.inputs(),
                    built.layers(), built.nodes(), built.outputs());
            assertPredicts(spec, in.getDimensions()[0], x, y);
        }
    }

    private static void assertPredicts(ModelSpec spec, int rows, float[] x, float[] expected) {
        try (TfModel model = TfModel.load(spec, RuntimeOptions.singleThreaded());
             Predictor p = model.newPredictor(rows)) {
            float[] out = new float[expected.length];
            p.predict(new float[][] {x}, rows, new float[][] {out});
            for (int i = 0; i < expected.length; i++) {
                assertThat(out[i]).as("value %d", i).isCloseTo(expected[i],
                        within(TOLERANCE * Math.max(1, Math.abs(expected[i]))));
            }
        }
    }

    @FunctionalInterface
    private interface LayerSpecs {
        List<LayerSpec> of(HdfFile model);
    }

    @Test
    void causalDilatedConv1D() throws Exception {
        assertMatchesKeras("causal_conv1d_k3_s1_d2_cl_model.h5", "causal_conv1d_k3_s1_d2_cl_inputs_and_outputs.h5",
                "conv0_input", "conv0", new int[] {16, 3}, "2.3.1", m -> List.of(layer(m, "conv0", "Conv1D",
                        config("filters", 4, "kernel_size", List.of(3), "strides", List.of(1), "padding", "causal",
                                "dilation_rate", List.of(2), "activation", "tanh", "use_bias", true))));
    }

    @Test
    void conv1DSameWithAnEvenKernel() throws Exception {
        assertMatchesKeras("conv1d_k2_s1_d1_cl_same_model.h5", "conv1d_k2_s1_d1_cl_same_inputs_and_outputs.h5",
                "conv0_input", "conv0", new int[] {16, 3}, "2.3.1", m -> List.of(layer(m, "conv0", "Conv1D",
                        config("filters", 4, "kernel_size", List.of(2), "strides", List.of(1), "padding", "same",
                                "dilation_rate", List.of(1), "activation", "sigmoid", "use_bias", true))));
    }

    @Test
    void conv1DValidWithStrideTwo() throws Exception {
        assertMatchesKeras("conv1d_k3_s2_d1_cl_valid_model.h5", "conv1d_k3_s2_d1_cl_valid_inputs_and_outputs.h5",
                "conv0_input", "conv0", new int[] {16, 3}, "2.3.1", m -> List.of(layer(m, "conv0", "Conv1D",
                        config("filters", 4, "kernel_size", List.of(3), "strides", List.of(2), "padding", "valid",
                                "dilation_rate", List.of(1), "activation", "sigmoid", "use_bias", true))));
    }

    @Test
    void denseThenLeakyRelu() throws Exception {
        assertMatchesKeras("LeakyReLU_0_model.h5", "LeakyReLU_0_inputs_and_outputs.h5", "dense_input",
                "leaky_re_lu_1", new int[] {16}, "2.3.1", m -> List.of(
                        layer(m, "dense", "Dense", config("units", 32, "activation", "linear", "use_bias", true)),
                        layer(m, "leaky_re_lu_1", "LeakyReLU", config("alpha", 0.5))));
    }

    @Test
    void denseThenSoftmax() throws Exception {
        assertMatchesKeras("simple_sparse_xent_mlp_keras_2_model.h5",
                "simple_sparse_xent_mlp_keras_2_inputs_and_outputs.h5", "dense_1_input", "activation_1",
                new int[] {4}, "2.3.1", m -> List.of(
                        layer(m, "dense_1", "Dense", config("units", 3, "activation", "linear", "use_bias", true)),
                        layer(m, "activation_1", "Activation", config("activation", "softmax"))));
    }

    @Test
    void simpleRnnThenDense() throws Exception {
        assertMatchesKeras("simple_rnn_tf_keras_2_model.h5", "simple_rnn_tf_keras_2_inputs_and_outputs.h5",
                "simple_rnn_1_input", "dense_1", new int[] {1, 1}, "2.1.3", m -> List.of(
                        layer(m, "simple_rnn_1", "SimpleRNN", config("units", 50, "activation", "tanh",
                                "use_bias", true, "return_sequences", false)),
                        layer(m, "dense_1", "Dense", config("units", 1, "activation", "linear", "use_bias", true))));
    }

    @Test
    void lstmWithKeras2HardSigmoidThenDense() throws Exception {
        assertMatchesKeras("simple_flatten_lstm_tf_keras_2_model.h5",
                "simple_flatten_lstm_tf_keras_2_inputs_and_outputs.h5", "lstm_1_input", "dense_1", new int[] {1, 1},
                "2.1.3", m -> List.of(
                        layer(m, "lstm_1", "LSTM", config("units", 50, "activation", "tanh",
                                "recurrent_activation", "hard_sigmoid_keras2", "use_bias", true)),
                        layer(m, "dense_1", "Dense", config("units", 1, "activation", "linear", "use_bias", true))));
    }

    @Test
    void convBatchNormFlattenDenseOnNumpyData() throws Exception {
        Path dir = fixtures();
        float[] x = Npy.read(dir.resolve("cnn_batch_norm_input.npy"));
        float[] expected = Npy.read(dir.resolve("cnn_batch_norm_predictions.npy"));
        try (HdfFile m = new HdfFile(dir.resolve("cnn_batch_norm_model.h5"))) {
            List<LayerSpec> layers = new ArrayList<>(List.of(
                    layer(m, "conv2d_1", "Conv2D", config("filters", 1, "kernel_size", List.of(3, 3),
                            "padding", "valid", "activation", "linear", "use_bias", true)),
                    layer(m, "batch_normalization_1", "BatchNormalization", config("axis", -1, "epsilon", 0.001,
                            "center", true, "scale", true)),
                    layer(m, "activation_1", "Activation", config("activation", "relu")),
                    layer(m, "conv2d_2", "Conv2D", config("filters", 1, "kernel_size", List.of(3, 3),
                            "padding", "valid", "activation", "linear", "use_bias", true)),
                    layer(m, "flatten_1", "Flatten", config()),
                    layer(m, "dense_1", "Dense", config("units", 1, "activation", "linear", "use_bias", true))));
            SequentialBuilder b = new SequentialBuilder("cnn", new int[] {10, 10, 3});
            layers.forEach(b::add);
            assertPredicts(b.build(), 5, x, expected);
        }
    }

    /** Reads a little-endian float32/float64 .npy array in C order. */
    private static final class Npy {
        static float[] read(Path file) throws Exception {
            byte[] bytes = Files.readAllBytes(file);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            int major = bytes[6];
            int headerLength = major == 1 ? buf.getShort(8) & 0xffff : buf.getInt(8);
            int start = (major == 1 ? 10 : 12) + headerLength;
            String header = new String(bytes, major == 1 ? 10 : 12, headerLength,
                    java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(header).contains("'fortran_order': False");
            buf.position(start);
            if (header.contains("<f8")) {
                float[] r = new float[(bytes.length - start) / 8];
                for (int i = 0; i < r.length; i++) {
                    r[i] = (float) buf.getDouble();
                }
                return r;
            }
            assertThat(header).contains("<f4");
            float[] r = new float[(bytes.length - start) / 4];
            buf.asFloatBuffer().get(r);
            return r;
        }
    }
}
