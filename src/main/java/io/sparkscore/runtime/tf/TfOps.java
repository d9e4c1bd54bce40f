package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.Tensor;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Graph-building helpers over {@link Ops} for float32 Keras tensors. Every tensor has a dynamic batch dimension
 * (static size -1) and fully known other dimensions, so helpers take and return shapes WITHOUT the batch dimension
 * unless they say otherwise. Used only while one thread builds one graph.
 */
final class TfOps {

    private final Ops tf;
    private final int kerasMajor;
    /** A shared layer applied twice reuses its weight constants instead of embedding them twice. */
    private final Map<Tensor, Operand<TFloat32>> weightConstants = new IdentityHashMap<>();

    TfOps(Ops tf, int kerasMajor) {
        this.tf = tf;
        this.kerasMajor = kerasMajor;
    }

    Ops tf() {
        return tf;
    }

    /** The major version of the Keras that wrote the model, for the few formulas that differ between versions. */
    int kerasMajor() {
        return kerasMajor;
    }

    /** A weight as a graph constant, copied in bulk from its float array. */
    Operand<TFloat32> constant(Tensor weight) {
        return weightConstants.computeIfAbsent(weight, w -> constant(w.shape(), w.data()));
    }

    Operand<TFloat32> constant(int[] shape, float[] values) {
        return tf.constant(Shape.of(toLongs(shape)), DataBuffers.of(values, true, false));
    }

    Operand<TFloat32> scalar(double value) {
        return tf.constant((float) value);
    }

    /** A rank-0 int32 constant, for ops whose axis argument must be a scalar (ConcatV2, GatherV2). */
    Operand<TInt32> scalarInt(int value) {
        return tf.constant(value);
    }

    Operand<TInt32> ints(int... values) {
        return tf.constant(values);
    }

    /** Static shape including the batch dimension (-1). */
    static long[] fullShape(Operand<?> x) {
        return x.shape().asArray();
    }

    /** Static shape without the batch dimension. */
    static int[] shape(Operand<?> x) {
        long[] full = fullShape(x);
        int[] r = new int[full.length - 1];
        for (int i = 1; i < full.length; i++) {
            r[i - 1] = Math.toIntExact(full[i]);
        }
        return r;
    }

    /** Rank including the batch dimension, as Keras counts axes. */
    static int rank(Operand<?> x) {
        return x.shape().numDimensions();
    }

    /** Normalises a Keras axis (counted with the batch dimension, negative from the end) to 0..rank-1. */
    static int axis(int axis, int rank) {
        return axis < 0 ? axis + rank : axis;
    }

    /** Reshape keeping the (dynamic) batch dimension; {@code dims} excludes it. */
    Operand<TFloat32> reshape(Operand<TFloat32> x, int... dims) {
        return tf.reshape(x, ints(withBatch(dims)));
    }

    Operand<TFloat32> transpose(Operand<TFloat32> x, int... permutationWithBatch) {
        return tf.linalg.transpose(x, ints(permutationWithBatch));
    }

    /** {@code x[..., begin:begin+size, ...]} along one axis (batch-inclusive numbering). */
    Operand<TFloat32> slice(Operand<TFloat32> x, int axis, int begin, int size) {
        int rank = rank(x);
        int[] begins = new int[rank];
        int[] sizes = new int[rank];
        Arrays.fill(sizes, -1);
        begins[axis] = begin;
        sizes[axis] = size;
        return tf.slice(x, ints(begins), ints(sizes));
    }

    Operand<TFloat32> concat(List<Operand<TFloat32>> parts, int axis) {
        return tf.concat(parts, scalarInt(axis));
    }

    Operand<TFloat32> reverse(Operand<TFloat32> x, int axis) {
        return tf.reverse(x, ints(axis));
    }

    /** Repeats every entry along {@code axis} (batch-inclusive) {@code times} times in place, like numpy.repeat. */
    Operand<TFloat32> repeat(Operand<TFloat32> x, int axis, int times) {
        int[] s = shape(x);
        Operand<TFloat32> expanded = tf.expandDims(x, scalarInt(axis + 1));
        int[] multiples = new int[s.length + 2];
        Arrays.fill(multiples, 1);
        multiples[axis + 1] = times;
        int[] out = s.clone();
        out[axis - 1] *= times;
        return reshape(tf.tile(expanded, ints(multiples)), out);
    }

    Operand<TFloat32> add(Operand<TFloat32> a, Operand<TFloat32> b) {
        return tf.math.add(a, b);
    }

    Operand<TFloat32> sub(Operand<TFloat32> a, Operand<TFloat32> b) {
        return tf.math.sub(a, b);
    }

    Operand<TFloat32> mul(Operand<TFloat32> a, Operand<TFloat32> b) {
        return tf.math.mul(a, b);
    }

    /** {@code x · kernel} over the last axis of {@code x}, for inputs of any rank (Keras' Dense contraction). */
    Operand<TFloat32> matmulLastAxis(Operand<TFloat32> x, Operand<TFloat32> kernel) {
        int[] s = shape(x);
        int units = Math.toIntExact(kernel.shape().get(1));
        if (s.length == 1) {
            return tf.linalg.matMul(x, kernel);
        }
        Operand<TFloat32> flat = tf.reshape(x, ints(-1, s[s.length - 1]));
        int[] out = s.clone();
        out[out.length - 1] = units;
        return reshape(tf.linalg.matMul(flat, kernel), out);
    }

    /** A weight reshaped so that it broadcasts along {@code axes} of a tensor of the given batch-inclusive rank. */
    Operand<TFloat32> broadcastable(Tensor weight, int rank, int[] axes, int[] axisSizes) {
        int[] shape = new int[rank];
        Arrays.fill(shape, 1);
        for (int i = 0; i < axes.length; i++) {
            shape[axes[i]] = axisSizes[i];
        }
        return constant(shape, weight.data());
    }

    /**
     * An axis option that may be one integer or a list of integers (Keras 2 files store BatchNormalization's axis as
     * {@code [3]}), normalised to 0..rank-1.
     */
    static int[] axes(LayerConfig config, String key, int defaultAxis, int rank) {
        Object v = config.raw(key);
        int[] r;
        if (v == null) {
            r = new int[] {defaultAxis};
        } else if (v instanceof Number) {
            r = new int[] {config.getInt(key, defaultAxis)};
        } else {
            r = intList(config, key);
        }
        for (int i = 0; i < r.length; i++) {
            r[i] = axis(r[i], rank);
            if (r[i] < 1 || r[i] >= rank) {
                throw config.unsupported("'" + key + "' " + v + " does not name a non-batch axis of a rank-" + rank
                        + " input");
            }
        }
        Arrays.sort(r);
        return r;
    }

    /** {@code dims} with a leading 1, so that a per-row weight broadcasts over the batch. */
    static int[] withBatchOne(int[] dims) {
        int[] r = withBatch(dims);
        r[0] = 1;
        return r;
    }

    /** One integer or a list of integers, as a list ({@link LayerConfig#getInts} needs a rank). */
    static int[] intList(LayerConfig config, String key) {
        Object v = config.raw(key);
        if (v instanceof Number) {
            return new int[] {config.getInt(key, 0)};
        }
        return config.getInts(key, 0, new int[0]);
    }

    static int[] withBatch(int[] dims) {
        int[] r = new int[dims.length + 1];
        r[0] = -1;
        System.arraycopy(dims, 0, r, 1, dims.length);
        return r;
    }

    static long[] toLongs(int[] v) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i];
        }
        return r;
    }

    static List<Long> longList(int... v) {
        return Arrays.stream(v).mapToObj(i -> (long) i).toList();
    }
}
