package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Tensor;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;

import java.util.Arrays;
import java.util.List;

/** The activation layers with options: LeakyReLU, PReLU, ELU, ReLU, ThresholdedReLU and Softmax. */
final class ActivationLayers {

    private ActivationLayers() {
    }

    /** LeakyReLU: Keras 2 calls the slope {@code alpha}, Keras 3 {@code negative_slope}; both default to 0.3. */
    static final class LeakyReLU implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            slope(layer.config());
        }

        private static double slope(LayerConfig c) {
            return c.has("negative_slope") ? c.getDouble("negative_slope", 0.3) : c.getDouble("alpha", 0.3);
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            return ops.tf().nn.leakyRelu(inputs.get(0), LeakyRelu.alpha((float) slope(layer.config())));
        }
    }

    /** PReLU: relu(x) - alpha * relu(-x), alpha stored per non-batch position with shared axes of size 1. */
    static final class PReLU implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            layer.weight("alpha");
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            Operand<TFloat32> x = inputs.get(0);
            Tensor alpha = layer.weight("alpha");
            int[] shape = TfOps.shape(x);
            if (alpha.rank() != shape.length) {
                throw layer.config().unsupported("weight 'alpha' has shape " + Arrays.toString(alpha.shape())
                        + " but the input has " + shape.length + " non-batch dimensions");
            }
            Operand<TFloat32> a = ops.constant(TfOps.withBatchOne(alpha.shape()), alpha.data());
            Ops tf = ops.tf();
            return ops.sub(tf.nn.relu(x), ops.mul(a, tf.nn.relu(tf.math.neg(x))));
        }
    }

    /** ELU with a configurable alpha: x if x > 0, else alpha * (exp(x) - 1). */
    static final class ELU implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            layer.config().getDouble("alpha", 1.0);
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            Operand<TFloat32> x = inputs.get(0);
            double alpha = layer.config().getDouble("alpha", 1.0);
            Operand<TFloat32> elu = ops.tf().nn.elu(x);
            if (alpha == 1.0) {
                return elu;
            }
            return ops.tf().select(ops.tf().math.greater(x, ops.scalar(0)), elu, ops.mul(ops.scalar(alpha), elu));
        }
    }

    /** ReLU with max_value, negative_slope and threshold, step for step as Keras' relu computes it. */
    static final class ReLU implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            LayerConfig c = layer.config();
            c.getNullableDouble("max_value");
            c.getDouble("negative_slope", 0);
            c.getDouble("threshold", 0);
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            LayerConfig c = layer.config();
            Ops tf = ops.tf();
            Operand<TFloat32> x = inputs.get(0);
            Double maxValue = c.getNullableDouble("max_value");
            double slope = c.getDouble("negative_slope", 0);
            double threshold = c.getDouble("threshold", 0);
            if (slope != 0 && maxValue == null && threshold == 0) {
                return tf.nn.leakyRelu(x, LeakyRelu.alpha((float) slope));
            }
            Operand<TFloat32> negativePart = null;
            if (slope != 0) {
                negativePart = tf.nn.relu(threshold != 0 ? ops.add(tf.math.neg(x), ops.scalar(threshold))
                        : tf.math.neg(x));
            }
            boolean clipMax = maxValue != null;
            Operand<TFloat32> y;
            if (threshold != 0) {
                y = ops.mul(x, tf.dtypes.cast(tf.math.greater(x, ops.scalar(threshold)), TFloat32.class));
            } else if (maxValue != null && maxValue == 6) {
                y = tf.nn.relu6(x);
                clipMax = false;
            } else {
                y = tf.nn.relu(x);
            }
            if (clipMax) {
                y = tf.clipByValue(y, ops.scalar(0), ops.scalar(maxValue));
            }
            if (negativePart != null) {
                y = ops.sub(y, ops.mul(ops.scalar(slope), negativePart));
            }
            return y;
        }
    }

    /** Keras 2's ThresholdedReLU: x where x > theta, else 0. */
    static final class ThresholdedReLU implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            layer.config().getDouble("theta", 1.0);
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            Operand<TFloat32> x = inputs.get(0);
            Operand<TFloat32> theta = ops.scalar(layer.config().getDouble("theta", 1.0));
            return ops.mul(x, ops.tf().dtypes.cast(ops.tf().math.greater(x, theta), TFloat32.class));
        }
    }

    /** Softmax over one axis (moved last for TensorFlow's kernel) or several (exp(x - logsumexp)). */
    static final class Softmax implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            Object axis = layer.config().raw("axis");
            if (axis != null && !(axis instanceof Number) && !(axis instanceof List<?>)) {
                throw layer.config().unsupported("axis " + axis + " should be an integer or a list of integers");
            }
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            if (inputs.size() != 1) {
                throw layer.config().unsupported("a mask input is not supported; Softmax takes one input");
            }
            return softmax(ops, inputs.get(0), TfOps.axes(layer.config(), "axis", -1, TfOps.rank(inputs.get(0))));
        }

        static Operand<TFloat32> softmax(TfOps ops, Operand<TFloat32> x, int[] axes) {
            Ops tf = ops.tf();
            int rank = TfOps.rank(x);
            if (axes.length == 1) {
                int axis = axes[0];
                if (axis == rank - 1) {
                    return tf.nn.softmax(x);
                }
                int[] swap = new int[rank];
                for (int i = 0; i < rank; i++) {
                    swap[i] = i;
                }
                swap[axis] = rank - 1;
                swap[rank - 1] = axis;
                return ops.transpose(tf.nn.softmax(ops.transpose(x, swap)), swap);
            }
            Operand<TFloat32> max = tf.max(x, ops.ints(axes), Max.keepDims(true));
            Operand<TFloat32> shifted = ops.sub(x, max);
            Operand<TFloat32> exp = tf.math.exp(shifted);
            return tf.math.div(exp, tf.sum(exp, ops.ints(axes), Sum.keepDims(true)));
        }
    }
}
