package io.sparkscore.runtime.tf;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sparkscore.runtime.tf.TfTesting.assertClose;
import static io.sparkscore.runtime.tf.TfTesting.config;
import static io.sparkscore.runtime.tf.TfTesting.layer;
import static io.sparkscore.runtime.tf.TfTesting.predict;
import static io.sparkscore.runtime.tf.TfTesting.sequential;
import static io.sparkscore.runtime.tf.TfTesting.shape;
import static io.sparkscore.runtime.tf.TfTesting.tensor;

class ActivationLayersTest {

    private static final float[] X = {-2, -0.5f, 0, 0.5f, 3, 8};

    private static float[] run(String className, java.util.Map<String, Object> config,
                               io.sparkscore.model.Tensor... w) {
        return predict(sequential(shape(X.length), layer("a", className, config, w)), 1, X);
    }

    @Test
    void leakyReluReadsEitherKerasSpellingOfTheSlope() {
        assertClose(run("LeakyReLU", config("alpha", 0.1)), -0.2f, -0.05f, 0, 0.5f, 3, 8);
        assertClose(run("LeakyReLU", config("negative_slope", 0.5)), -1, -0.25f, 0, 0.5f, 3, 8);
        assertClose(run("LeakyReLU", config()), -0.6f, -0.15f, 0, 0.5f, 3, 8);
    }

    @Test
    void reluWithMaxValueSlopeAndThreshold() {
        assertClose(run("ReLU", config("max_value", 6.0)), 0, 0, 0, 0.5f, 3, 6);
        assertClose(run("ReLU", config("max_value", 2.0, "negative_slope", 0.1, "threshold", 0.5)),
                -0.25f, -0.1f, -0.05f, 0, 2, 2);
        assertClose(run("ReLU", config("threshold", 1.0)), 0, 0, 0, 0, 3, 8);
    }

    @Test
    void eluWithAlpha() {
        double a = 0.5;
        assertClose(run("ELU", config("alpha", a)), (float) (a * (Math.exp(-2) - 1)),
                (float) (a * (Math.exp(-0.5) - 1)), 0, 0.5f, 3, 8);
    }

    @Test
    void preluUsesAPerPositionSlope() {
        assertClose(run("PReLU", config(), tensor("alpha", shape(6), 1, 2, 3, 4, 5, 6)), -2, -1, 0, 0.5f, 3, 8);
    }

    @Test
    void preluWithSharedAxes() {
        float[] out = predict(sequential(shape(2, 2), layer("a", "PReLU", config("shared_axes", List.of(1)),
                tensor("alpha", shape(1, 2), 0.5f, 2))), 1, -1, -1, -2, 3);
        assertClose(out, -0.5f, -2, -1, 3);
    }

    @Test
    void softmaxOnAxisOneOfA3DInput() {
        // shape (2, 2): softmax down each column
        float[] out = predict(sequential(shape(2, 2), layer("s", "Softmax", config("axis", 1))), 1, 0, 1, 0, 3);
        double e2 = Math.exp(2);
        assertClose(out, 0.5f, (float) (1 / (1 + e2)), 0.5f, (float) (e2 / (1 + e2)));
    }

    @Test
    void softmaxOverSeveralAxes() {
        float[] out = predict(sequential(shape(2, 2), layer("s", "Softmax", config("axis", List.of(1, 2)))),
                1, 0, 0, 0, (float) Math.log(5));
        assertClose(out, 0.125f, 0.125f, 0.125f, 0.625f);
    }
}
