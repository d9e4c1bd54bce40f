package io.sparkscore.model.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.sparkscore.model.InputSpec;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.UnsupportedLayerException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every real Keras file of the shared fixtures either loads into a sensible spec or is refused with a clear reason. */
class KerasModelReaderFixturesTest {

    private static final Configuration CONF = new Configuration();

    /** What a fixture should give: a spec (inputs "name(shape)", outputs, params) or a refusal message. */
    private record Expectation(String inputs, List<String> outputs, long params, Class<? extends ModelException> error,
                               String message) {
    }

    private static Expectation loads(String inputs, long params, String... outputs) {
        return new Expectation(inputs, List.of(outputs), params, null, null);
    }

    private static Expectation refused(Class<? extends ModelException> error, String message) {
        return new Expectation(null, null, 0, error, message);
    }

    private static final String MODEL_FILE = "(model file %s)";

    private static final Map<String, Expectation> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("dl4j/12net_prelu_conv2d.h5", loads("[input_2(None, None, 3)]", 6632, "conv4-1", "conv4-2"));
        EXPECTED.put("dl4j/LeakyReLU_0_model.h5", loads("[dense_input(16,)]", 544, "leaky_re_lu_1"));
        EXPECTED.put("dl4j/batch_to_conv2d_tensorflow_2.h5", loads("[dense_1_input(100,)]", 49985, "conv2d_1"));
        EXPECTED.put("dl4j/bidirectional_lstm_tensorflow_1.h5",
                loads("[bidirectional_input_1(4, 10)]", 1680, "bidirectional_1"));
        EXPECTED.put("dl4j/bidirectional_lstm_tensorflow_2.h5",
                loads("[bidirectional_1_input(4, 10)]", 1680, "bidirectional_1"));
        EXPECTED.put("dl4j/causal_conv1d_k3_s1_d2_cl_model.h5", loads("[conv0_input(16, 3)]", 40, "conv0"));
        EXPECTED.put("dl4j/cnn_batch_norm_model.h5", loads("[conv2d_1_input(10, 10, 3)]", 79, "dense_1"));
        EXPECTED.put("dl4j/conv1d_k2_s1_d1_cl_same_model.h5", loads("[conv0_input(16, 3)]", 28, "conv0"));
        EXPECTED.put("dl4j/conv1d_k3_s2_d1_cl_valid_model.h5", loads("[conv0_input(16, 3)]", 40, "conv0"));
        EXPECTED.put("dl4j/conv2d_theano_2.h5", loads("[conv2d_1_input(5, 5, 5)]", 276, "conv2d_1"));
        EXPECTED.put("dl4j/embedding_conv1d_flatten_tensorflow_2.h5",
                loads("[embedding_1_input(10,)]", 116, "flatten_1"));
        EXPECTED.put("dl4j/embedding_lstm_tensorflow_2.h5", loads("[embedding_1_input(10,)]", 308, "lstm_1"));
        EXPECTED.put("dl4j/flatten_3d.hdf5", loads("[input_1(10, 10, 10, 1)]", 10010, "dense"));
        EXPECTED.put("dl4j/keras_attention_functional.h5", loads("[inputs(22,)]", 2849, "outputs"));
        EXPECTED.put("dl4j/lstm_functional_tf_keras_2.h5", loads("[inputLayer_1(10, 4)]", 461, "outputLayer_a"));
        EXPECTED.put("dl4j/lstm_tensorflow_1.h5", loads("[lstm_input_1(4, 1)]", 192, "lstm_1"));
        EXPECTED.put("dl4j/masking_zero_lstm.h5", loads("[masking_1_input(10, 42)]", 9600, "lstm_1"));
        EXPECTED.put("dl4j/simple_flatten_lstm_tf_keras_2_model.h5", loads("[lstm_1_input(1, 1)]", 10451, "dense_1"));
        EXPECTED.put("dl4j/simple_flatten_rnn_tf_keras_2_model.h5",
                loads("[simple_rnn_1_input(1, 1)]", 2651, "dense_1"));
        EXPECTED.put("dl4j/simple_lstm_tf_keras_1_model.h5", loads("[lstm_input_1(1, 1)]", 10451, "dense_1"));
        EXPECTED.put("dl4j/simple_lstm_tf_keras_2_model.h5", loads("[lstm_1_input(1, 1)]", 10451, "dense_1"));
        EXPECTED.put("dl4j/simple_lstm_tf_keras_2_weights_only.h5", refused(ModelFormatException.class,
                "%s: is a weights-only HDF5 file (written by save_weights): it has no model_config; read it "
                        + "together with the architecture JSON (model.to_json()) via "
                        + "KerasModelReader.readWeightsAndArchitecture"));
        EXPECTED.put("dl4j/simple_rnn_tf_keras_2_model.h5", loads("[simple_rnn_1_input(1, 1)]", 2651, "dense_1"));
        EXPECTED.put("dl4j/simple_sparse_xent_mlp_keras_2_model.h5", loads("[dense_1_input(4,)]", 15, "activation_1"));
        EXPECTED.put("dl4j/simpleconv2d_functional.hdf5", loads("[input_1(1, 28, 28)]", 80135, "dense_4"));
        EXPECTED.put("dl4j/tfkeras_cnn1d_leakyrelu_maxpool1d.h5", loads("[input_1(6, 1)]", 6192, "flatten"));
        EXPECTED.put("dl4j/tfkeras_cnn2d_64_conv2d_pool_pad_upsample_crop.h5",
                loads("[input_65(10, 10, 3)]", 260, "global_max_pooling2d_18"));
        EXPECTED.put("dl4j/tfkeras_cnn2d_76_separableconv2d.h5",
                loads("[input_77(10, 10, 3)]", 99, "global_max_pooling2d_22"));
        EXPECTED.put("dl4j/tfkeras_conv1d_batchnorm.h5", loads("[input_9(25, 25)]", 16422, "conv1d_16"));
        EXPECTED.put("dl4j/tfkeras_embedding_conv1d_issue_9349.hdf5", loads("[input_1(6,)]", 44, "dense"));
        EXPECTED.put("dl4j/tfkeras_misc_0_embedding_dense.h5", loads("[input_1(5,)]", 116, "dense"));
        EXPECTED.put("dl4j/tfkeras_mlp_24_dense_activation_dropout.h5", loads("[input_25(3,)]", 108, "dropout_24"));
        EXPECTED.put("dl4j/tfkeras_rnn_25_bidir_simplernn.h5", loads("[input_22(3, 4)]", 268, "activation_11"));
        EXPECTED.put("dl4j/tfkeras_rnn_31_bidir_lstm_repeatvector.h5",
                loads("[input_28(3, 4)]", 1072, "activation_23"));
        EXPECTED.put("dl4j/tfkeras_rnn_5_bidir_lstm.h5", loads("[input_6(3, 4)]", 528, "activation_5"));
        EXPECTED.put("frugally-deep/fdeep_gru_stateful_initial_state.h5", refused(UnsupportedLayerException.class,
                "layer 'gru_1' (GRU): stateful=True carries state from one batch to the next, which depends on how "
                        + "rows are batched; re-create the layer with stateful=False, copy the weights and save the "
                        + "model again " + MODEL_FILE));
        EXPECTED.put("frugally-deep/fdeep_gru_stateless_initial_state.h5",
                loads("[input_1(3, 1), input_2(1,)]", 6, "gru"));
        EXPECTED.put("frugally-deep/fdeep_lstm_multi_io_functional.h5", refused(UnsupportedLayerException.class,
                "layer 'lstm_3' (LSTM): return_state=True makes the layer return its states as extra outputs; "
                        + "sparkscore supports one output per layer " + MODEL_FILE));
        EXPECTED.put("hls4ml/hls4ml_conv1d_gru_tf2.11_hdf5_named.keras", loads("[conv1d_input(32, 3)]", 1792, "gru"));
        EXPECTED.put("hls4ml/hls4ml_mlp_tf2.11_hdf5_named.keras", loads("[fc1_input(8,)]", 46, "relu2"));
        EXPECTED.put("keras3/emg_reshape_lstm_dense_k3.9.2.keras", loads("[input(12,)]", 2020, "output"));
        EXPECTED.put("keras3/predmaint_gru_bn_dropout_k3.12.1.keras",
                loads("[input_layer_1(50, 17)]", 164289, "dense_3"));
    }

    static List<Path> modelFiles() {
        return KerasFixtures.modelFiles();
    }

    @Test
    void everyFixtureHasAnExplicitExpectation() {
        List<String> names = KerasFixtures.modelFiles().stream().map(KerasFixtures::relativeName).toList();
        assertThat(names).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modelFiles")
    void fixtureLoadsOrIsRefusedAsExpected(Path file) throws IOException {
        Expectation expected = EXPECTED.get(KerasFixtures.relativeName(file));
        assertThat(expected).as("expectation for %s", file).isNotNull();
        String path = file.toString();
        if (expected.error() != null) {
            assertThatThrownBy(() -> KerasModelReader.read(path, CONF))
                    .isExactlyInstanceOf(expected.error())
                    .hasMessage(expected.message().replace("%s", path));
            return;
        }
        ModelSpec spec = KerasModelReader.read(path, CONF);
        assertThat(spec.inputs().toString()).isEqualTo(expected.inputs());
        assertThat(spec.outputs()).isEqualTo(expected.outputs());
        assertThat(spec.paramCount()).isEqualTo(expected.params()).isEqualTo(storedWeightCount(file));
        assertThat(spec.sourceFormat()).isEqualTo(isZip(file) ? "keras-v3" : "keras-h5");
        for (InputSpec in : spec.inputs()) {
            assertThat(in.dtype()).isNotBlank();
        }
    }

    /** The number of stored weight values, counted straight from the file (optimizer state excluded). */
    private static long storedWeightCount(Path file) throws IOException {
        if (isZip(file)) {
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    if (e.getName().equals("model.weights.h5")) {
                        try (HdfFile h5 = HdfFile.fromBytes(zip.readAllBytes())) {
                            return countValues((Group) h5.getChild("layers"));
                        }
                    }
                }
            }
            throw new IllegalStateException(file + " has no weights");
        }
        try (HdfFile h5 = new HdfFile(file)) {
            return countValues((Group) h5.getChild("model_weights"));
        }
    }

    private static long countValues(Group g) {
        long n = 0;
        for (Node child : g.getChildren().values()) {
            if (child instanceof Group sub) {
                n += countValues(sub);
            } else if (child instanceof Dataset ds) {
                n += ds.getSize();
            }
        }
        return n;
    }

    private static boolean isZip(Path file) throws IOException {
        try (ByteArrayInputStream in = new ByteArrayInputStream(Files.readAllBytes(file))) {
            return in.read() == 'P' && in.read() == 'K';
        }
    }
}
