package io.sparkscore.runtime.tf;

import io.sparkscore.model.Activation;
import io.sparkscore.model.LayerSpec;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;

/** Keras' activation functions as TensorFlow ops, formula for formula (softmax variants on the last axis). */
final class TfActivations {

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double SQRT_TWO_OVER_PI = Math.sqrt(2.0 / Math.PI);

    private TfActivations() {
    }

    /** The activation a layer names under {@code key} (absent means linear). */
    static Activation of(LayerSpec layer, String key) {
        return of(layer, key, "linear");
    }

    /** The activation a layer names under {@code key}, or Keras' default for that layer when absent. */
    static Activation of(LayerSpec layer, String key, String kerasDefault) {
        return Activation.of(layer.config().getString(key, kerasDefault), layer.name(), layer.className());
    }

    static Operand<TFloat32> apply(TfOps ops, Activation activation, Operand<TFloat32> x) {
        Ops tf = ops.tf();
        return switch (activation) {
            case LINEAR -> x;
            case RELU -> tf.nn.relu(x);
            case RELU6 -> tf.nn.relu6(x);
            case LEAKY_RELU -> tf.nn.leakyRelu(x, LeakyRelu.alpha((float) Activation.LEAKY_RELU_DEFAULT_SLOPE));
            case ELU -> tf.nn.elu(x);
            // TF's selu uses the same constants as Keras (Activation.SELU_ALPHA, SELU_SCALE)
            case SELU -> tf.nn.selu(x);
            case SIGMOID -> tf.math.sigmoid(x);
            case HARD_SIGMOID -> hardSigmoid(ops, x);
            // Keras 2: clip(0.2 * x + 0.5, 0, 1)
            case HARD_SIGMOID_KERAS2 -> tf.clipByValue(ops.add(ops.mul(x, ops.scalar(0.2)), ops.scalar(0.5)),
                    ops.scalar(0), ops.scalar(1));
            case HARD_SILU -> ops.mul(x, hardSigmoid(ops, x));
            case TANH -> tf.math.tanh(x);
            case SOFTMAX -> tf.nn.softmax(x);
            case LOG_SOFTMAX -> tf.nn.logSoftmax(x);
            case SOFTPLUS -> tf.math.softplus(x);
            case SOFTSIGN -> tf.nn.softsign(x);
            case SWISH -> ops.mul(x, tf.math.sigmoid(x));
            case GELU -> ops.mul(ops.mul(ops.scalar(0.5), x),
                    ops.add(ops.scalar(1), tf.math.erf(ops.mul(x, ops.scalar(SQRT_HALF)))));
            case GELU_APPROXIMATE -> geluApproximate(ops, x);
            case MISH -> ops.mul(x, tf.math.tanh(tf.math.softplus(x)));
            case EXPONENTIAL -> tf.math.exp(x);
        };
    }

    /** Keras 3: relu6(x + 3) / 6. */
    private static Operand<TFloat32> hardSigmoid(TfOps ops, Operand<TFloat32> x) {
        return ops.tf().math.div(ops.tf().nn.relu6(ops.add(x, ops.scalar(3))), ops.scalar(6));
    }

    /** 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    private static Operand<TFloat32> geluApproximate(TfOps ops, Operand<TFloat32> x) {
        Operand<TFloat32> cube = ops.mul(ops.mul(x, x), x);
        Operand<TFloat32> inner = ops.mul(ops.scalar(SQRT_TWO_OVER_PI),
                ops.add(x, ops.mul(ops.scalar(0.044715), cube)));
        return ops.mul(ops.mul(ops.scalar(0.5), x), ops.add(ops.scalar(1), ops.tf().math.tanh(inner)));
    }
}
