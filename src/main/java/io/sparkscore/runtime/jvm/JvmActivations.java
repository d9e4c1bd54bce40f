package io.sparkscore.runtime.jvm;

import io.sparkscore.model.Activation;

/**
 * Keras' activation functions applied in place to flat buffers. Element-wise functions are evaluated in double and
 * rounded once to float, which keeps them within float rounding of TensorFlow's float kernels; softmax and
 * log_softmax work on consecutive groups (the last axis) and subtract the group maximum first, as Keras does.
 */
final class JvmActivations {

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
    private static final double INV_SQRT_2 = 1.0 / Math.sqrt(2.0);

    private JvmActivations() {
    }

    /**
     * Applies {@code activation} to {@code buf[from, from + length)}; softmax-like activations normalise each
     * consecutive group of {@code groupSize} values.
     */
    static void apply(Activation activation, float[] buf, int from, int length, int groupSize) {
        int end = from + length;
        switch (activation) {
            case LINEAR -> {
                // identity
            }
            case RELU -> {
                for (int i = from; i < end; i++) {
                    buf[i] = Math.max(buf[i], 0f);
                }
            }
            case SIGMOID -> {
                for (int i = from; i < end; i++) {
                    buf[i] = (float) sigmoid(buf[i]);
                }
            }
            case TANH -> {
                for (int i = from; i < end; i++) {
                    buf[i] = (float) tanh(buf[i]);
                }
            }
            case SOFTMAX -> {
                for (int g = from; g < end; g += groupSize) {
                    softmax(buf, g, groupSize, false);
                }
            }
            case LOG_SOFTMAX -> {
                for (int g = from; g < end; g += groupSize) {
                    softmax(buf, g, groupSize, true);
                }
            }
            default -> {
                for (int i = from; i < end; i++) {
                    buf[i] = (float) elementwise(activation, buf[i]);
                }
            }
        }
    }

    /** One element of an element-wise activation; softmax kinds are not element-wise and are refused. */
    static double elementwise(Activation activation, double x) {
        return switch (activation) {
            case LINEAR -> x;
            case RELU -> Math.max(x, 0);
            case RELU6 -> Math.min(Math.max(x, 0), 6);
            case LEAKY_RELU -> x > 0 ? x : Activation.LEAKY_RELU_DEFAULT_SLOPE * x;
            case ELU -> x > 0 ? x : Math.expm1(x);
            case SELU -> Activation.SELU_SCALE * (x > 0 ? x : Activation.SELU_ALPHA * Math.expm1(x));
            case SIGMOID -> sigmoid(x);
            case HARD_SIGMOID -> hardSigmoid(x);
            case HARD_SIGMOID_KERAS2 -> Math.min(Math.max(0.2 * x + 0.5, 0), 1);
            case HARD_SILU -> x * hardSigmoid(x);
            case TANH -> tanh(x);
            case SOFTPLUS -> softplus(x);
            case SOFTSIGN -> x / (1 + Math.abs(x));
            case SWISH -> x * sigmoid(x);
            case GELU -> 0.5 * x * (1 + erf(x * INV_SQRT_2));
            case GELU_APPROXIMATE -> 0.5 * x * (1 + tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
            case MISH -> x * tanh(softplus(x));
            case EXPONENTIAL -> Math.exp(x);
            case SOFTMAX, LOG_SOFTMAX -> throw new IllegalArgumentException(activation + " is not element-wise");
        };
    }

    static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /**
     * tanh from one {@code Math.exp} (a JIT intrinsic, about three times faster than {@code Math.tanh}, which
     * dominates recurrent layers), {@code (1 - e) / (1 + e)} with {@code e = exp(-2|x|)}; near zero, where that
     * form cancels, the series {@code x - x^3 / 3}. Within 1e-15 of {@code Math.tanh}.
     */
    static double tanh(double x) {
        double a = Math.abs(x);
        if (a < 1e-4) {
            return x - x * x * x / 3;
        }
        double e = Math.exp(-2 * a);
        double t = (1 - e) / (1 + e);
        return x < 0 ? -t : t;
    }

    /** Keras 3's hard_sigmoid: relu6(x + 3) / 6. */
    static double hardSigmoid(double x) {
        return Math.min(Math.max(x + 3, 0), 6) / 6;
    }

    /** log(1 + exp(x)) without overflow for large x or loss of precision for very negative x. */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /**
     * The error function from its everywhere-convergent series
     * {@code erf(z) = 2/sqrt(pi) * exp(-z^2) * sum_n (2z^2)^n z / (1*3*...*(2n+1))}: every term is positive, so it
     * loses no precision to cancellation; in double it is accurate to about 1e-15. Beyond |z| = 6, erf is 1 in
     * double precision.
     */
    static double erf(double z) {
        double a = Math.abs(z);
        if (a >= 6) {
            return Math.signum(z);
        }
        if (Double.isNaN(z)) {
            return z;
        }
        double twoZ2 = 2 * a * a;
        double term = a;
        double sum = a;
        for (int n = 1; n < 200; n++) {
            term *= twoZ2 / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        double r = TWO_OVER_SQRT_PI * Math.exp(-a * a) * sum;
        return z < 0 ? -r : r;
    }

    /** Softmax (or log-softmax) of {@code buf[from, from + n)} in place, shifted by the maximum for stability. */
    static void softmax(float[] buf, int from, int n, boolean log) {
        int end = from + n;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < end; i++) {
            max = Math.max(max, buf[i]);
        }
        double sum = 0;
        for (int i = from; i < end; i++) {
            sum += Math.exp(buf[i] - max);
        }
        if (log) {
            double logSum = Math.log(sum);
            for (int i = from; i < end; i++) {
                buf[i] = (float) (buf[i] - max - logSum);
            }
        } else {
            for (int i = from; i < end; i++) {
                buf[i] = (float) (Math.exp(buf[i] - max) / sum);
            }
        }
    }
}
