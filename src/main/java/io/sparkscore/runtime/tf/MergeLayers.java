package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.DotOptions;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;

/** Layers that combine several inputs: Concatenate, element-wise merges and Dot. */
final class MergeLayers {

    private MergeLayers() {
    }

    private static void requireInputs(LayerSpec layer, List<Operand<TFloat32>> inputs, int min, int max) {
        if (inputs.size() < min || inputs.size() > max) {
            throw layer.config().unsupported("takes " + (min == max ? min : min + ".." + (max == Integer.MAX_VALUE
                    ? "n" : max)) + " inputs but was given " + inputs.size());
        }
    }

    static final class Concatenate implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            layer.config().getInt("axis", -1);
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            requireInputs(layer, inputs, 1, Integer.MAX_VALUE);
            int axis = TfOps.axis(layer.config().getInt("axis", -1), TfOps.rank(inputs.get(0)));
            return ops.concat(inputs, axis);
        }
    }

    /** Add, Subtract, Multiply, Average, Maximum, Minimum; lower-rank inputs gain axes after the batch, as in Keras. */
    static final class ElementWise implements TfLayerBuilder {
        enum Op { ADD, SUBTRACT, MULTIPLY, AVERAGE, MAXIMUM, MINIMUM }

        private final Op op;

        ElementWise(Op op) {
            this.op = op;
        }

        @Override
        public void validate(LayerSpec layer) {
            // no options that matter at inference
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            requireInputs(layer, inputs, op == Op.SUBTRACT ? 2 : 1, op == Op.SUBTRACT ? 2 : Integer.MAX_VALUE);
            List<Operand<TFloat32>> xs = sameRank(ops, inputs);
            Ops tf = ops.tf();
            BinaryOperator<Operand<TFloat32>> combine = switch (op) {
                case ADD, AVERAGE -> ops::add;
                case SUBTRACT -> ops::sub;
                case MULTIPLY -> ops::mul;
                case MAXIMUM -> tf.math::maximum;
                case MINIMUM -> tf.math::minimum;
            };
            Operand<TFloat32> y = xs.get(0);
            for (int i = 1; i < xs.size(); i++) {
                y = combine.apply(y, xs.get(i));
            }
            if (op == Op.AVERAGE) {
                y = tf.math.div(y, ops.scalar(xs.size()));
            }
            return y;
        }

        private static List<Operand<TFloat32>> sameRank(TfOps ops, List<Operand<TFloat32>> inputs) {
            int maxRank = inputs.stream().mapToInt(TfOps::rank).max().orElseThrow();
            List<Operand<TFloat32>> r = new ArrayList<>();
            for (Operand<TFloat32> x : inputs) {
                for (int k = TfOps.rank(x); k < maxRank; k++) {
                    x = ops.tf().expandDims(x, ops.scalarInt(1));
                }
                r.add(x);
            }
            return r;
        }
    }

    /**
     * Dot: Keras' batch_dot over one axis of each input (after optional L2 normalisation along those axes). The
     * remaining axes of the first input come before those of the second; a result with no axes left becomes
     * (batch, 1).
     */
    static final class Dot implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            DotOptions.of(layer, 3);
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            requireInputs(layer, inputs, 2, 2);
            Operand<TFloat32> x = inputs.get(0);
            Operand<TFloat32> y = inputs.get(1);
            DotOptions options = DotOptions.of(layer, ops.kerasMajor());
            // per-row axes, then shifted past the batch axis of the graph tensors
            int[] rowAxes = options.rowAxes(layer.config(), TfOps.shape(x), TfOps.shape(y));
            int ax = rowAxes[0] + 1;
            int ay = rowAxes[1] + 1;
            if (TfOps.fullShape(x)[ax] != TfOps.fullShape(y)[ay]) {
                throw layer.config().unsupported("cannot contract axis " + ax + " of size " + TfOps.fullShape(x)[ax]
                        + " with axis " + ay + " of size " + TfOps.fullShape(y)[ay]);
            }
            if (options.normalize()) {
                x = l2Normalize(ops, x, ax, options.maxInverseNorm());
                y = l2Normalize(ops, y, ay, options.maxInverseNorm());
            }
            return batchDot(ops, x, y, ax, ay);
        }

        /** x / ||x|| along one axis, with the inverse norm capped as the file's Keras version does. */
        private static Operand<TFloat32> l2Normalize(TfOps ops, Operand<TFloat32> x, int axis, double maxInverse) {
            Ops tf = ops.tf();
            Operand<TFloat32> squareSum = tf.sum(tf.math.square(x), ops.ints(axis), Sum.keepDims(true));
            return ops.mul(x, tf.math.minimum(tf.math.rsqrt(squareSum), ops.scalar(maxInverse)));
        }

        private static Operand<TFloat32> batchDot(TfOps ops, Operand<TFloat32> x, Operand<TFloat32> y, int ax, int ay) {
            int[] xs = TfOps.shape(x);
            int[] ys = TfOps.shape(y);
            int n = xs[ax - 1];
            // x: move the contracted axis last and flatten the rest -> (B, X, n)
            int[] xPerm = moveAxis(xs.length + 1, ax, true);
            int[] yPerm = moveAxis(ys.length + 1, ay, false);
            List<Integer> xRest = rest(xs, ax);
            List<Integer> yRest = rest(ys, ay);
            int xRestSize = xRest.stream().reduce(1, (a, b) -> a * b);
            int yRestSize = yRest.stream().reduce(1, (a, b) -> a * b);
            Operand<TFloat32> x3 = ops.reshape(ops.transpose(x, xPerm), xRestSize, n);
            Operand<TFloat32> y3 = ops.reshape(ops.transpose(y, yPerm), n, yRestSize);
            Operand<TFloat32> product = ops.tf().train.batchMatMul(x3, y3, TFloat32.class);
            List<Integer> out = new ArrayList<>(xRest);
            out.addAll(yRest);
            if (out.isEmpty()) {
                out.add(1);
            }
            return ops.reshape(product, out.stream().mapToInt(Integer::intValue).toArray());
        }

        /** A permutation keeping the batch first and moving {@code axis} last ({@code toEnd}) or second. */
        private static int[] moveAxis(int rank, int axis, boolean toEnd) {
            int[] perm = new int[rank];
            int k = 0;
            perm[k++] = 0;
            if (!toEnd) {
                perm[k++] = axis;
            }
            for (int i = 1; i < rank; i++) {
                if (i != axis) {
                    perm[k++] = i;
                }
            }
            if (toEnd) {
                perm[k] = axis;
            }
            return perm;
        }

        private static List<Integer> rest(int[] shape, int axis) {
            List<Integer> r = new ArrayList<>();
            for (int i = 0; i < shape.length; i++) {
                if (i != axis - 1) {
                    r.add(shape[i]);
                }
            }
            return r;
        }
    }
}
