package io.sparkscore.runtime.jvm;

import io.sparkscore.model.Activation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class JvmActivationsTest {

    private static double f(Activation a, double x) {
        return JvmActivations.elementwise(a, x);
    }

    @Test
    void erfMatchesTabulatedValuesToBetterThan1e9() {
        // Reference values of erf (Abramowitz & Stegun table 7.1 and higher-precision tables).
        assertThat(JvmActivations.erf(0)).isEqualTo(0);
        assertThat(JvmActivations.erf(0.5)).isCloseTo(0.5204998778130465, within(1e-12));
        assertThat(JvmActivations.erf(1)).isCloseTo(0.8427007929497149, within(1e-12));
        assertThat(JvmActivations.erf(-2)).isCloseTo(-0.9953222650189527, within(1e-12));
        assertThat(JvmActivations.erf(3.5)).isCloseTo(0.9999992569016276, within(1e-12));
        assertThat(JvmActivations.erf(7)).isEqualTo(1);
    }

    @Test
    void tanhAgreesWithMathTanhEverywhere() {
        for (int i = -40_000; i <= 40_000; i++) {
            double x = i * 1e-3 + 1e-5;
            assertThat(JvmActivations.tanh(x)).as("tanh(%s)", x).isCloseTo(Math.tanh(x), within(1e-15));
        }
        for (double x : new double[] {1e-9, -3e-5, 1e-4, 25, -400}) {
            assertThat(JvmActivations.tanh(x)).as("tanh(%s)", x).isCloseTo(Math.tanh(x), within(1e-15));
        }
        assertThat(JvmActivations.tanh(Double.NaN)).isNaN();
    }

    @Test
    void geluExactAndApproximate() {
        assertThat(f(Activation.GELU, 1)).isCloseTo(0.5 * (1 + 0.6826894921370859), within(1e-12));
        assertThat(f(Activation.GELU, -3)).isCloseTo(-0.0040496, within(1e-7));
        double x = 1.5;
        double approx = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
        assertThat(f(Activation.GELU_APPROXIMATE, x)).isCloseTo(approx, within(1e-12));
    }

    @Test
    void hardSigmoidDiffersBetweenKeras2AndKeras3() {
        assertThat(f(Activation.HARD_SIGMOID_KERAS2, 1)).isCloseTo(0.7, within(1e-12));
        assertThat(f(Activation.HARD_SIGMOID, 1)).isCloseTo(4.0 / 6, within(1e-12));
        assertThat(f(Activation.HARD_SIGMOID_KERAS2, 3)).isEqualTo(1);
        assertThat(f(Activation.HARD_SIGMOID, -3)).isEqualTo(0);
        assertThat(f(Activation.HARD_SILU, 1)).isCloseTo(4.0 / 6, within(1e-12));
    }

    @Test
    void seluEluAndLeakyReluUseKerasConstants() {
        assertThat(f(Activation.SELU, 1)).isCloseTo(1.0507009873554805, within(1e-12));
        assertThat(f(Activation.SELU, -1)).isCloseTo(1.0507009873554805 * 1.6732632423543772 * (Math.exp(-1) - 1),
                within(1e-12));
        assertThat(f(Activation.ELU, -1)).isCloseTo(Math.exp(-1) - 1, within(1e-12));
        assertThat(f(Activation.LEAKY_RELU, -2)).isCloseTo(-0.4, within(1e-12));
        assertThat(f(Activation.RELU6, 7)).isEqualTo(6);
    }

    @Test
    void softplusIsStableForLargeMagnitudes() {
        assertThat(f(Activation.SOFTPLUS, 1000)).isEqualTo(1000);
        assertThat(f(Activation.SOFTPLUS, -1000)).isEqualTo(0);
        assertThat(f(Activation.SOFTPLUS, 0)).isCloseTo(Math.log(2), within(1e-15));
        assertThat(f(Activation.SIGMOID, -1000)).isEqualTo(0);
        assertThat(f(Activation.MISH, 1)).isCloseTo(Math.tanh(Math.log1p(Math.E)), within(1e-12));
    }

    @Test
    void otherElementwiseActivations() {
        assertThat(f(Activation.SOFTSIGN, 3)).isCloseTo(0.75, within(1e-12));
        assertThat(f(Activation.SWISH, 2)).isCloseTo(2 / (1 + Math.exp(-2)), within(1e-12));
        assertThat(f(Activation.EXPONENTIAL, 1)).isCloseTo(Math.E, within(1e-12));
    }

    @Test
    void softmaxAndLogSoftmaxWorkPerGroupAndSurviveLargeValues() {
        float[] buf = {1000, 1000, 0, (float) Math.log(3)};
        JvmActivations.apply(Activation.SOFTMAX, buf, 0, 4, 2);
        assertThat(buf).containsExactly(new float[] {0.5f, 0.5f, 0.25f, 0.75f}, within(1e-6f));
        float[] log = {0, 0};
        JvmActivations.apply(Activation.LOG_SOFTMAX, log, 0, 2, 2);
        assertThat(log[0]).isCloseTo((float) -Math.log(2), within(1e-6f));
    }
}
