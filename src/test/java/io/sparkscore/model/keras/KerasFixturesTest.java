package io.sparkscore.model.keras;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.ModelSpec;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The expected-data helpers return arrays that fit the models they belong to. */
class KerasFixturesTest {

    static List<Path> modelsWithExpectedData() {
        return KerasFixtures.modelFiles().stream().filter(p -> KerasFixtures.expectedData(p).isPresent()).toList();
    }

    @Test
    void elevenModelsComeWithExpectedData() {
        assertThat(modelsWithExpectedData()).extracting(p -> p.getFileName().toString()).containsExactly(
                "LeakyReLU_0_model.h5", "causal_conv1d_k3_s1_d2_cl_model.h5", "cnn_batch_norm_model.h5",
                "conv1d_k2_s1_d1_cl_same_model.h5", "conv1d_k3_s2_d1_cl_valid_model.h5",
                "simple_flatten_lstm_tf_keras_2_model.h5", "simple_flatten_rnn_tf_keras_2_model.h5",
                "simple_lstm_tf_keras_1_model.h5", "simple_lstm_tf_keras_2_model.h5",
                "simple_rnn_tf_keras_2_model.h5", "simple_sparse_xent_mlp_keras_2_model.h5");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modelsWithExpectedData")
    void expectedInputsAndPredictionsFitTheModel(Path model) {
        ModelSpec spec = KerasModelReader.read(model.toString(), new Configuration());
        KerasFixtures.ExpectedData data = KerasFixtures.expectedData(model).orElseThrow();
        assertThat(data.inputs()).hasSameSizeAs(spec.inputs());
        assertThat(data.predictions()).hasSameSizeAs(spec.outputs());
        for (int i = 0; i < spec.inputs().size(); i++) {
            InputSpec in = spec.inputs().get(i);
            KerasFixtures.Array array = data.inputs().get(i);
            assertThat(Arrays.copyOfRange(array.shape(), 1, array.shape().length)).containsExactly(in.shape());
            assertThat(array.rows()).isEqualTo(data.predictions().get(0).rows());
            assertThat(array.data()).hasSize(array.rows() * (int) in.size());
        }
        if (!model.getFileName().toString().startsWith("cnn_batch_norm")) {
            assertThat(data.inputs()).extracting(KerasFixtures.Array::name)
                    .containsExactlyElementsOf(spec.inputs().stream().map(InputSpec::name).toList());
        }
    }

    @Test
    void npyFloat64InputIsConvertedToFloat32() {
        KerasFixtures.Array input = KerasFixtures.readNpy(KerasFixtures.file("dl4j/cnn_batch_norm_input.npy"));
        assertThat(input.shape()).containsExactly(5, 10, 10, 3);
        assertThat(input.data()).hasSize(1500);
        // first and last values as numpy reads them
        assertThat(input.data()[0]).isEqualTo((float) 0.27812651949435974);
        assertThat(input.data()[1499]).isEqualTo((float) 0.5181752431585356);
        KerasFixtures.Array predictions = KerasFixtures.readNpy(
                KerasFixtures.file("dl4j/cnn_batch_norm_predictions.npy"));
        assertThat(predictions.shape()).containsExactly(5, 1);
        assertThat(predictions.data()).containsExactly(-0.05206109583377838f, 0.049860745668411255f,
                0.1629752218723297f, 0.15389983355998993f, 0.15537278354167938f);
    }
}
