package io.sparkscore.runtime.tf;

import io.sparkscore.model.Activation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.function.DoubleUnaryOperator;

import static io.sparkscore.runtime.tf.TfTesting.assertClose;
import static io.sparkscore.runtime.tf.TfTesting.config;
import static io.sparkscore.runtime.tf.TfTesting.layer;
import static io.sparkscore.runtime.tf.TfTesting.sequential;
import static io.sparkscore.runtime.tf.TfTesting.shape;

class TfActivationsTest {

    private static final float[] X = {-3.5f, -1f, -0.25f, 0f, 0.4f, 1.5f, 2.5f, 7f};

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"SOFTMAX", "LOG_SOFTMAX"}, mode = EnumSource.Mode.EXCLUDE)
    void elementWiseActivationsFollowKerasFormulas(Activation activation) {
        float[] out = TfTesting.predict(sequential(shape(X.length),
                layer("act", "Activation", config("activation", activation.specName()))), 1, X);
        DoubleUnaryOperator f = reference(activation);
        float[] expected = new float[X.length];
        for (int i = 0; i < X.length; i++) {
            expected[i] = (float) f.applyAsDouble(X[i]);
        }
        assertClose(out, expected);
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"SOFTMAX", "LOG_SOFTMAX"})
    void softmaxActivationsWorkOnTheLastAxis(Activation activation) {
        float[] out = TfTesting.predict(sequential(shape(2, 3),
                layer("act", "Activation", config("activation", activation.specName()))), 1, 1, 2, 3, 0, 0, 1);
        double e = Math.E;
        double s1 = e + e * e + e * e * e;
        double s2 = 2 + e;
        float[] softmax = {(float) (e / s1), (float) (e * e / s1), (float) (e * e * e / s1),
                (float) (1 / s2), (float) (1 / s2), (float) (e / s2)};
        if (activation == Activation.LOG_SOFTMAX) {
            for (int i = 0; i < softmax.length; i++) {
                softmax[i] = (float) Math.log(softmax[i]);
            }
        }
        assertClose(out, softmax);
    }

    private static DoubleUnaryOperator reference(Activation a) {
        return switch (a) {
            case LINEAR -> x -> x;
            case RELU -> x -> Math.max(0, x);
            case RELU6 -> x -> Math.min(6, Math.max(0, x));
            case LEAKY_RELU -> x -> x > 0 ? x : 0.2 * x;
            case ELU -> x -> x > 0 ? x : Math.exp(x) - 1;
            case SELU -> x -> Activation.SELU_SCALE * (x > 0 ? x : Activation.SELU_ALPHA * (Math.exp(x) - 1));
            case SIGMOID -> TfActivationsTest::sigmoid;
            case HARD_SIGMOID -> x -> Math.min(1, Math.max(0, x / 6 + 0.5));
            case HARD_SIGMOID_KERAS2 -> x -> Math.min(1, Math.max(0, 0.2 * x + 0.5));
            case HARD_SILU -> x -> x * Math.min(1, Math.max(0, x / 6 + 0.5));
            case TANH -> Math::tanh;
            case SOFTPLUS -> x -> Math.log1p(Math.exp(x));
            case SOFTSIGN -> x -> x / (1 + Math.abs(x));
            case SWISH -> x -> x * sigmoid(x);
            case GELU -> x -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
            case GELU_APPROXIMATE -> x -> 0.5 * x
                    * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case MISH -> x -> x * Math.tanh(Math.log1p(Math.exp(x)));
            case EXPONENTIAL -> Math::exp;
            case SOFTMAX, LOG_SOFTMAX -> throw new IllegalArgumentException("not element-wise: " + a);
        };
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** erf by its Taylor series, accurate to double precision for |x| <= 5; beyond that erf is ±1 in floats. */
    private static double erf(double x) {
        if (Math.abs(x) > 5) {
            return Math.signum(x);
        }
        double sum = 0;
        double term = x;
        for (int n = 0; n < 200; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
