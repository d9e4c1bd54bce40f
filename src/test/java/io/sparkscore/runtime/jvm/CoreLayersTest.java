package io.sparkscore.runtime.jvm;

import org.junit.jupiter.api.Test;

import static io.sparkscore.runtime.jvm.Specs.config;
import static io.sparkscore.runtime.jvm.Specs.layer;
import static io.sparkscore.runtime.jvm.Specs.predict;
import static io.sparkscore.runtime.jvm.Specs.run;
import static io.sparkscore.runtime.jvm.Specs.sequential;
import static io.sparkscore.runtime.jvm.Specs.shape;
import static io.sparkscore.runtime.jvm.Specs.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CoreLayersTest {

    private static final float EPS = 1e-6f;

    @Test
    void denseMultipliesByKernelAddsBiasAndApplies_relu() {
        // kernel [2, 3]: x . k = [1*1 + 2*4, 1*2 + 2*5, 1*3 + 2*6] = [9, 12, 15]; bias [-10, 0, 1]
        var dense = layer("d", "Dense", config("units", 3, "activation", "relu"),
                tensor("kernel", shape(2, 3), 1, 2, 3, 4, 5, 6), tensor("bias", shape(3), -10, 0, 1));
        assertThat(run(shape(2), dense, 1, 2)).containsExactly(0, 12, 16);
    }

    @Test
    void denseWithoutBiasAppliesToTheLastAxisOfA3dInput() {
        var dense = layer("d", "Dense", config("units", 1, "use_bias", false),
                tensor("kernel", shape(2, 1), 1, 10));
        assertThat(run(shape(3, 2), dense, 1, 2, 3, 4, 5, 6)).containsExactly(21, 43, 65);
    }

    @Test
    void denseSoftmaxNormalisesEachRow() {
        var dense = layer("d", "Dense", config("units", 2, "activation", "softmax"),
                tensor("kernel", shape(1, 2), 1, 2), tensor("bias", shape(2), 0, 0));
        float[] out = predict(sequential(shape(1), dense), 2, 0, 1);
        double e = Math.exp(1);
        assertThat(out[0]).isCloseTo(0.5f, within(EPS));
        assertThat(out[1]).isCloseTo(0.5f, within(EPS));
        assertThat(out[2]).isCloseTo((float) (1 / (1 + e)), within(EPS));
        assertThat(out[3]).isCloseTo((float) (e / (1 + e)), within(EPS));
    }

    @Test
    void dropoutAndFlattenPassValuesThrough() {
        var model = sequential(shape(2, 2), layer("drop", "Dropout", config("rate", 0.5)),
                layer("flat", "Flatten", config()));
        assertThat(predict(model, 1, 1, 2, 3, 4)).containsExactly(1, 2, 3, 4);
    }

    @Test
    void activationLayerAppliesSigmoidAndTanh() {
        float[] s = run(shape(2), layer("a", "Activation", config("activation", "sigmoid")), 0, 2);
        assertThat(s[0]).isCloseTo(0.5f, within(EPS));
        assertThat(s[1]).isCloseTo((float) (1 / (1 + Math.exp(-2))), within(EPS));
        float[] t = run(shape(1), layer("a", "Activation", config("activation", "tanh")), 1);
        assertThat(t[0]).isCloseTo((float) Math.tanh(1), within(EPS));
    }
}
