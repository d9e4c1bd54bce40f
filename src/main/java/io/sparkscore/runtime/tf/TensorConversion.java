package io.sparkscore.runtime.tf;

import io.sparkscore.runtime.PredictionException;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Converts sparkscore's float buffers to tensors of a SavedModel signature's dtype and back. Integer inputs take only
 * whole numbers within range: a fractional feature fed to an integer input is refused, never silently truncated.
 */
enum TensorConversion {
    FLOAT32("float32", DataType.DT_FLOAT, 4),
    FLOAT64("float64", DataType.DT_DOUBLE, 8),
    INT32("int32", DataType.DT_INT32, 4),
    INT64("int64", DataType.DT_INT64, 8);

    /** Floats hold integers exactly only up to 2^24; larger ones already lost digits in the feature buffer. */
    private static final float MAX_EXACT_INTEGER = 1 << 24;

    private final String dtypeName;
    private final DataType dataType;
    private final int bytes;

    TensorConversion(String dtypeName, DataType dataType, int bytes) {
        this.dtypeName = dtypeName;
        this.dataType = dataType;
        this.bytes = bytes;
    }

    static TensorConversion of(String dtypeName) {
        for (TensorConversion c : values()) {
            if (c.dtypeName.equals(dtypeName)) {
                return c;
            }
        }
        throw new PredictionException("dtype '" + dtypeName + "' cannot be converted from or to float buffers;"
                + " sparkscore exchanges float32, float64, int32 and int64 tensors");
    }

    /** A new tensor holding the first {@code n} values of {@code src}; the caller closes it. */
    Tensor tensor(String inputKey, float[] src, int n, Shape shape) {
        Tensor t = switch (this) {
            case FLOAT32 -> TFloat32.tensorOf(shape);
            case FLOAT64 -> TFloat64.tensorOf(shape);
            case INT32 -> TInt32.tensorOf(shape);
            case INT64 -> TInt64.tensorOf(shape);
        };
        try {
            ByteDataBuffer data = t.asRawTensor().data();
            switch (this) {
                case FLOAT32 -> data.asFloats().write(src, 0, n);
                case FLOAT64 -> {
                    double[] d = new double[n];
                    for (int i = 0; i < n; i++) {
                        d[i] = src[i];
                    }
                    data.asDoubles().write(d);
                }
                case INT32 -> data.asInts().write(integers(inputKey, src, n));
                case INT64 -> {
                    int[] ints = integers(inputKey, src, n);
                    long[] l = new long[n];
                    for (int i = 0; i < n; i++) {
                        l[i] = ints[i];
                    }
                    data.asLongs().write(l);
                }
            }
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private int[] integers(String inputKey, float[] src, int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            float v = src[i];
            if (v != Math.rint(v) || Math.abs(v) > MAX_EXACT_INTEGER) {
                throw new PredictionException("input '" + inputKey + "' is " + dtypeName + " but value " + i
                        + " of the batch is " + v + ", which is not a whole number in +-2^24 (the integers a float"
                        + " feature holds exactly); feed integer ids or counts to integer inputs");
            }
            r[i] = (int) v;
        }
        return r;
    }

    /** Copies {@code n} values of a fetched tensor into {@code dst} as floats. */
    void read(String outputKey, Tensor t, int n, float[] dst) {
        if (t.dataType() != dataType || t.numBytes() != (long) n * bytes) {
            throw new PredictionException("output '" + outputKey + "' came back as " + t.dataType() + " with shape "
                    + t.shape() + " but " + n + " values of " + dtypeName + " were expected");
        }
        ByteDataBuffer data = t.asRawTensor().data();
        switch (this) {
            case FLOAT32 -> data.asFloats().read(dst, 0, n);
            case FLOAT64 -> {
                double[] d = new double[n];
                data.asDoubles().read(d);
                for (int i = 0; i < n; i++) {
                    dst[i] = (float) d[i];
                }
            }
            case INT32 -> {
                int[] v = new int[n];
                data.asInts().read(v);
                for (int i = 0; i < n; i++) {
                    dst[i] = v[i];
                }
            }
            case INT64 -> {
                long[] v = new long[n];
                data.asLongs().read(v);
                for (int i = 0; i < n; i++) {
                    dst[i] = v[i];
                }
            }
        }
    }
}
