package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.layers.OpLambdaCall;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.core.Min;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tf.keras 2 TensorFlow op layers (TFOpLambda, SlicingOpLambda) on the tf path: each function of
 * {@link OpLambdaCall.Kind} as the TensorFlow op of the same name, with the call's arguments (batch-inclusive axes
 * where TensorFlow takes them). Masks are not passed through: a masked input is refused by {@link TfMasks}.
 */
final class OpLambdaLayers implements TfCallBuilder {

    @Override
    public void validate(LayerSpec layer) {
        OpLambdaCall.kind(layer);
    }

    @Override
    public TfMasks.Masked buildCall(TfOps ops, LayerSpec layer, NodeSpec node, List<Operand<TFloat32>> inputs,
                                    List<Operand<TFloat32>> masks) {
        if (masks.stream().anyMatch(m -> m != null)) {
            throw layer.config().unsupported("receives a Keras mask, which the TensorFlow op layers do not pass on");
        }
        List<int[]> shapes = inputs.stream().map(TfOps::shape).toList();
        OpLambdaCall call = OpLambdaCall.of(layer, node.callArgs(), shapes);
        return new TfMasks.Masked(build(ops, call, inputs, call.outputShape(layer.config(), shapes)), null);
    }

    private static Operand<TFloat32> build(TfOps ops, OpLambdaCall call, List<Operand<TFloat32>> inputs,
                                           int[] outShape) {
        Ops tf = ops.tf();
        Operand<TFloat32> x = inputs.get(0);
        if (call.kind().binary()) {
            Operand<TFloat32> y = call.scalar() == null ? inputs.get(1) : ops.scalar(call.scalar());
            if (call.scalarFirst()) {
                y = x;
                x = ops.scalar(call.scalar());
            }
            return switch (call.kind()) {
                case ADD -> ops.add(x, y);
                case SUBTRACT -> ops.sub(x, y);
                case MULTIPLY -> ops.mul(x, y);
                case DIVIDE -> tf.math.div(x, y);
                case MAXIMUM -> tf.math.maximum(x, y);
                case MINIMUM -> tf.math.minimum(x, y);
                case POW -> tf.math.pow(x, y);
                case GREATER -> asFloat(tf, tf.math.greater(x, y));
                case GREATER_EQUAL -> asFloat(tf, tf.math.greaterEqual(x, y));
                case LESS -> asFloat(tf, tf.math.less(x, y));
                case LESS_EQUAL -> asFloat(tf, tf.math.lessEqual(x, y));
                case EQUAL -> asFloat(tf, tf.math.equal(x, y));
                case NOT_EQUAL -> asFloat(tf, tf.math.notEqual(x, y));
                default -> throw new IllegalStateException(call.kind().toString());
            };
        }
        int[] batchAxes = call.axes() == null ? null : Arrays.stream(call.axes()).map(a -> a + 1).toArray();
        return switch (call.kind()) {
            case NEGATIVE -> tf.math.neg(x);
            case EXP -> tf.math.exp(x);
            case LOG -> tf.math.log(x);
            case SQRT -> tf.math.sqrt(x);
            case SQUARE -> tf.math.square(x);
            case ABS -> tf.math.abs(x);
            case TANH -> tf.math.tanh(x);
            case SIGMOID -> tf.math.sigmoid(x);
            case RELU -> tf.nn.relu(x);
            case RSQRT -> tf.math.rsqrt(x);
            case CAST -> x;
            case CLIP -> tf.clipByValue(x, ops.scalar(call.bounds()[0]), ops.scalar(call.bounds()[1]));
            case SOFTMAX -> ActivationLayers.Softmax.softmax(ops, x, batchAxes);
            case RESHAPE -> ops.reshape(x, outShape);
            case TRANSPOSE -> {
                int[] perm = new int[call.shape().length + 1];
                for (int i = 0; i < call.shape().length; i++) {
                    perm[i + 1] = call.shape()[i] + 1;
                }
                yield ops.transpose(x, perm);
            }
            case CONCAT -> ops.concat(inputs, batchAxes[0]);
            case EXPAND_DIMS -> tf.expandDims(x, ops.scalarInt(batchAxes[0]));
            case SQUEEZE -> tf.squeeze(x, Squeeze.axis(Arrays.stream(batchAxes).mapToObj(a -> (long) a).toList()));
            case REDUCE_MEAN -> tf.math.mean(x, ops.ints(batchAxes), Mean.keepDims(call.keepDims()));
            case REDUCE_SUM -> tf.sum(x, ops.ints(batchAxes), Sum.keepDims(call.keepDims()));
            case REDUCE_MAX -> tf.max(x, ops.ints(batchAxes), Max.keepDims(call.keepDims()));
            case REDUCE_MIN -> tf.min(x, ops.ints(batchAxes), Min.keepDims(call.keepDims()));
            case MATMUL -> matmul(ops, call, x, inputs.get(1));
            case GETITEM -> slice(ops, call, x);
            case WHERE -> where(ops, call, inputs);
            default -> throw new IllegalStateException(call.kind().toString());
        };
    }

    /** A comparison's bool result as 1 or 0. */
    private static Operand<TFloat32> asFloat(Ops tf, Operand<org.tensorflow.types.TBool> b) {
        return tf.dtypes.cast(b, TFloat32.class);
    }

    /** where: x1 where the condition is not 0, else x2; SelectV2 broadcasts the operands. */
    private static Operand<TFloat32> where(TfOps ops, OpLambdaCall call, List<Operand<TFloat32>> inputs) {
        List<Operand<TFloat32>> operands = new ArrayList<>();
        int next = 0;
        for (Double constant : call.whereOperands()) {
            operands.add(constant != null ? ops.scalar(constant) : inputs.get(next++));
        }
        return ops.tf().select(ops.tf().math.notEqual(operands.get(0), ops.scalar(0)), operands.get(1),
                operands.get(2));
    }

    /** Per-row matrix products as an einsum over the leading (batch and row) axes. */
    private static Operand<TFloat32> matmul(TfOps ops, OpLambdaCall call, Operand<TFloat32> a, Operand<TFloat32> b) {
        int rank = TfOps.rank(a);
        StringBuilder lead = new StringBuilder();
        for (int i = 0; i < rank - 2; i++) {
            lead.append((char) ('a' + i));
        }
        String left = lead + (call.transposeA() ? "ji" : "ij");
        String right = lead + (call.transposeB() ? "kj" : "jk");
        return ops.tf().linalg.einsum(List.of(a, b), left + "," + right + "->" + lead + "ik");
    }

    /** getitem: a strided slice per axis (the batch kept whole), then the indexed axes dropped. */
    private static Operand<TFloat32> slice(TfOps ops, OpLambdaCall call, Operand<TFloat32> x) {
        List<io.sparkscore.model.layers.OpSlice> slices = call.slices();
        int n = slices.size() + 1;
        int[] begin = new int[n];
        int[] end = new int[n];
        int[] strides = new int[n];
        strides[0] = 1;
        long endMask = 1;
        List<Long> dropped = new ArrayList<>();
        for (int i = 0; i < slices.size(); i++) {
            io.sparkscore.model.layers.OpSlice s = slices.get(i);
            int start = s.index() != null ? s.index() : s.start();
            int kept = s.kept();
            begin[i + 1] = start;
            end[i + 1] = start + Math.max(kept - 1, 0) * s.step() + (kept > 0 ? 1 : 0);
            strides[i + 1] = s.step();
            if (s.index() != null) {
                dropped.add((long) (i + 1));
            }
        }
        Operand<TFloat32> y = ops.tf().stridedSlice(x, ops.ints(begin), ops.ints(end), ops.ints(strides),
                org.tensorflow.op.core.StridedSlice.beginMask(1L), org.tensorflow.op.core.StridedSlice.endMask(endMask));
        return dropped.isEmpty() ? y : ops.tf().squeeze(y, Squeeze.axis(dropped));
    }
}
