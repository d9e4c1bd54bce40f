package io.sparkscore.runtime.tf;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.sparkscore.runtime.tf.TfTesting.assertClose;
import static io.sparkscore.runtime.tf.TfTesting.config;
import static io.sparkscore.runtime.tf.TfTesting.layer;
import static io.sparkscore.runtime.tf.TfTesting.predict;
import static io.sparkscore.runtime.tf.TfTesting.sequential;
import static io.sparkscore.runtime.tf.TfTesting.shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReshapingLayersTest {

    @Test
    void reshapeResolvesAnOpenDimension() {
        try (TfModel model = TfModel.load(sequential(shape(6), layer("r", "Reshape",
                config("target_shape", Arrays.asList(null, 2)))),
                io.sparkscore.runtime.RuntimeOptions.singleThreaded())) {
            assertThat(model.signature().outputShapes()).containsExactly(new int[] {3, 2});
        }
    }

    @Test
    void reshapeThatDoesNotFitIsRefusedWithTheShapes() {
        assertThatThrownBy(() -> predict(sequential(shape(6), layer("r", "Reshape",
                config("target_shape", List.of(4, 2)))), 1, new float[6]))
                .hasMessage("layer 'r' (Reshape): cannot reshape an input of shape (6,) (6 values) to target_shape"
                        + " (4, 2)");
    }

    @Test
    void permuteSwapsNonBatchAxes() {
        assertClose(predict(sequential(shape(2, 3), layer("p", "Permute", config("dims", List.of(2, 1)))), 1,
                1, 2, 3, 4, 5, 6), 1, 4, 2, 5, 3, 6);
    }

    @Test
    void repeatVectorAddsATimeAxis() {
        assertClose(predict(sequential(shape(2), layer("r", "RepeatVector", config("n", 3))), 1, 1, 2),
                1, 2, 1, 2, 1, 2);
    }

    @Test
    void flattenChannelsFirstMovesChannelsLastFirst() {
        // (channels=2, width=2): channels_first Flatten orders values as (width, channels)
        assertClose(predict(sequential(shape(2, 2), layer("f", "Flatten", config("data_format", "channels_first"))),
                1, 1, 2, 3, 4), 1, 3, 2, 4);
        assertClose(predict(sequential(shape(2, 2), layer("f", "Flatten", config())), 1, 1, 2, 3, 4), 1, 2, 3, 4);
    }

    @Test
    void denseOnA3DInputActsOnTheLastAxis() {
        assertClose(predict(sequential(shape(2, 2), layer("d", "Dense", config("units", 1, "use_bias", false),
                TfTesting.tensor("kernel", shape(2, 1), 1, 10))), 1, 1, 2, 3, 4), 21, 43);
    }
}
