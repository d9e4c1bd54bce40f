package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.OpLambdaCall;
import io.sparkscore.model.layers.OpLambdaCall.Kind;

import java.util.List;
import java.util.Map;

/**
 * The tf.keras 2 TensorFlow op layers (TFOpLambda, SlicingOpLambda) on the jvm path, one call of one function of
 * {@link OpLambdaCall.Kind}. Everything that only moves values (reshape, expand_dims, squeeze, transpose, getitem,
 * concat) is a gather through index tables built once; element-wise functions broadcast through per-operand index
 * tables; reductions go through {@link IndexMaps#reduction}; matmul runs per row.
 */
final class OpLambdaLayer implements JvmLayer {

    private final OpLambdaCall call;
    private final int outSize;
    private final int[] inSizes;
    /** Gathers and binary ops: per output value, the source input ({@code source}) and its offset ({@code from}). */
    private final int[] source;
    private final int[] from;
    /** A binary op's second operand offsets (tensor y), or null. */
    private final int[] second;
    private final int[][] reduction;
    private final int m;
    private final int inner;
    private final int cols;
    private final int matrices;
    /** where: per operand (condition, x1, x2), the input it reads (-1: a constant) and its offsets per output value. */
    private final int[] whereInput;
    private final int[][] whereFrom;

    OpLambdaLayer(LayerSpec layer, List<int[]> inShapes, Map<String, Object> callArgs) {
        this.call = OpLambdaCall.of(layer, callArgs, inShapes);
        int[] out = call.outputShape(layer.config(), inShapes);
        this.outSize = Weights.size(out);
        this.inSizes = inShapes.stream().mapToInt(Weights::size).toArray();
        int[] x = inShapes.get(0);
        Kind k = call.kind();
        int[] src = new int[outSize];
        int[] off = new int[outSize];
        int[] y = null;
        int[][] red = null;
        int mm = 0;
        int kk = 0;
        int nn = 0;
        int count = 0;
        if (k.binary() || k.unary() || k == Kind.RESHAPE || k == Kind.EXPAND_DIMS || k == Kind.SQUEEZE) {
            int[] outStrides = IndexMaps.strides(out);
            int[] xs = IndexMaps.strides(x);
            int[] bShape = k.binary() && call.scalar() == null ? inShapes.get(1) : null;
            int[] bs = bShape == null ? null : IndexMaps.strides(bShape);
            y = bShape == null ? null : new int[outSize];
            boolean sameLayout = !k.binary() || x.length == out.length;
            for (int o = 0; o < outSize; o++) {
                if (!k.binary()) {
                    off[o] = o;
                    continue;
                }
                int a = 0;
                int b = 0;
                for (int d = 0; d < out.length && sameLayout; d++) {
                    int idx = (o / outStrides[d]) % out[d];
                    a += (x[d] == 1 ? 0 : idx) * xs[d];
                    if (bShape != null) {
                        b += (bShape[d] == 1 ? 0 : idx) * bs[d];
                    }
                }
                off[o] = a;
                if (y != null) {
                    y[o] = b;
                }
            }
        } else if (k == Kind.TRANSPOSE) {
            int[] xs = IndexMaps.strides(x);
            int[] os = IndexMaps.strides(out);
            for (int o = 0; o < outSize; o++) {
                int a = 0;
                for (int d = 0; d < out.length; d++) {
                    a += ((o / os[d]) % out[d]) * xs[call.shape()[d]];
                }
                off[o] = a;
            }
        } else if (k == Kind.GETITEM) {
            int[] xs = IndexMaps.strides(x);
            int[] os = IndexMaps.strides(out);
            for (int o = 0; o < outSize; o++) {
                int a = 0;
                int d = 0;
                for (int axis = 0; axis < x.length; axis++) {
                    io.sparkscore.model.layers.OpSlice s = call.slices().get(axis);
                    if (s.index() != null) {
                        a += s.index() * xs[axis];
                    } else {
                        a += (s.start() + ((o / os[d]) % out[d]) * s.step()) * xs[axis];
                        d++;
                    }
                }
                off[o] = a;
            }
        } else if (k == Kind.CONCAT) {
            int axis = call.axes()[0];
            int[] os = IndexMaps.strides(out);
            for (int o = 0; o < outSize; o++) {
                int at = (o / os[axis]) % out[axis];
                int input = 0;
                while (at >= inShapes.get(input)[axis]) {
                    at -= inShapes.get(input)[axis];
                    input++;
                }
                int[] shape = inShapes.get(input);
                int[] is = IndexMaps.strides(shape);
                int a = 0;
                for (int d = 0; d < out.length; d++) {
                    a += (d == axis ? at : (o / os[d]) % out[d]) * is[d];
                }
                src[o] = input;
                off[o] = a;
            }
        } else if (k.reduction() || k == Kind.SOFTMAX) {
            red = IndexMaps.reduction(x, call.axes());
        } else if (k == Kind.MATMUL) {
            int n = x.length;
            mm = out[n - 2];
            nn = out[n - 1];
            kk = call.transposeA() ? x[n - 2] : x[n - 1];
            count = Weights.size(java.util.Arrays.copyOf(x, n - 2));
        }
        this.source = src;
        this.from = off;
        this.second = y;
        this.reduction = red;
        this.m = mm;
        this.inner = kk;
        this.cols = nn;
        this.matrices = count;
        this.whereInput = k == Kind.WHERE ? new int[3] : null;
        this.whereFrom = k == Kind.WHERE ? new int[3][] : null;
        if (k == Kind.WHERE) {
            int next = 0;
            for (int p = 0; p < 3; p++) {
                boolean constant = call.whereOperands()[p] != null;
                whereInput[p] = constant ? -1 : next;
                whereFrom[p] = constant ? null : broadcastOffsets(inShapes.get(next++), out);
            }
        }
    }

    /** Per output value, the offset of the value an operand of {@code shape} (same rank, unit axes broadcast) gives. */
    private static int[] broadcastOffsets(int[] shape, int[] out) {
        int[] os = IndexMaps.strides(out);
        int[] ss = IndexMaps.strides(shape);
        int[] r = new int[Weights.size(out)];
        for (int o = 0; o < r.length; o++) {
            int a = 0;
            for (int d = 0; d < out.length; d++) {
                a += (shape[d] == 1 ? 0 : (o / os[d]) % out[d]) * ss[d];
            }
            r[o] = a;
        }
        return r;
    }

    private float whereOperand(int p, float[][] inputs, int r, int o) {
        int in = whereInput[p];
        return in < 0 ? (float) (double) call.whereOperands()[p] : inputs[in][r * inSizes[in] + whereFrom[p][o]];
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        Kind k = call.kind();
        for (int r = 0; r < rows; r++) {
            int o0 = r * outSize;
            float[] x = inputs[0];
            int x0 = r * inSizes[0];
            if (k.binary()) {
                float scalar = call.scalar() == null ? 0 : (float) (double) call.scalar();
                for (int o = 0; o < outSize; o++) {
                    float a = x[x0 + from[o]];
                    float b = second == null ? scalar : inputs[1][r * inSizes[1] + second[o]];
                    output[o0 + o] = call.scalarFirst() ? binary(k, scalar, a) : binary(k, a, b);
                }
            } else if (k.unary()) {
                for (int o = 0; o < outSize; o++) {
                    output[o0 + o] = unary(k, x[x0 + o]);
                }
            } else if (k == Kind.SOFTMAX) {
                softmax(x, x0, output, o0);
            } else if (k == Kind.CONCAT) {
                for (int o = 0; o < outSize; o++) {
                    output[o0 + o] = inputs[source[o]][r * inSizes[source[o]] + from[o]];
                }
            } else if (reduction != null) {
                int[] groups = reduction[0];
                int[] members = reduction[1];
                for (int g = 0; g < groups.length; g++) {
                    output[o0 + g] = reduce(k, x, x0 + groups[g], members);
                }
            } else if (k == Kind.MATMUL) {
                matmul(x, x0, inputs[1], r * inSizes[1], output, o0);
            } else if (k == Kind.WHERE) {
                for (int o = 0; o < outSize; o++) {
                    output[o0 + o] = whereOperand(0, inputs, r, o) != 0f ? whereOperand(1, inputs, r, o)
                            : whereOperand(2, inputs, r, o);
                }
            } else {
                for (int o = 0; o < outSize; o++) {
                    output[o0 + o] = x[x0 + from[o]];
                }
            }
        }
    }

    private static float binary(Kind k, float a, float b) {
        return switch (k) {
            case ADD -> a + b;
            case SUBTRACT -> a - b;
            case MULTIPLY -> a * b;
            case DIVIDE -> a / b;
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            case POW -> (float) Math.pow(a, b);
            case GREATER -> a > b ? 1f : 0f;
            case GREATER_EQUAL -> a >= b ? 1f : 0f;
            case LESS -> a < b ? 1f : 0f;
            case LESS_EQUAL -> a <= b ? 1f : 0f;
            case EQUAL -> a == b ? 1f : 0f;
            case NOT_EQUAL -> a != b ? 1f : 0f;
            default -> throw new IllegalStateException(k.toString());
        };
    }

    private float unary(Kind k, float v) {
        return switch (k) {
            case NEGATIVE -> -v;
            case EXP -> (float) Math.exp(v);
            case LOG -> (float) Math.log(v);
            case SQRT -> (float) Math.sqrt(v);
            case SQUARE -> v * v;
            case ABS -> Math.abs(v);
            case TANH -> (float) Math.tanh(v);
            case SIGMOID -> (float) (1 / (1 + Math.exp(-v)));
            case RELU -> Math.max(v, 0f);
            case RSQRT -> (float) (1 / Math.sqrt(v));
            case CAST -> v;
            case CLIP -> (float) Math.min(Math.max(v, call.bounds()[0]), call.bounds()[1]);
            default -> throw new IllegalStateException(k.toString());
        };
    }

    /** Softmax over one axis: per group of the other axes, {@code exp(v - max) / Σ exp(v - max)}. */
    private void softmax(float[] x, int x0, float[] out, int o0) {
        int[] members = reduction[1];
        for (int group : reduction[0]) {
            float max = Float.NEGATIVE_INFINITY;
            for (int m : members) {
                max = Math.max(max, x[x0 + group + m]);
            }
            double sum = 0;
            for (int m : members) {
                float e = (float) Math.exp(x[x0 + group + m] - max);
                out[o0 + group + m] = e;
                sum += e;
            }
            for (int m : members) {
                out[o0 + group + m] = (float) (out[o0 + group + m] / sum);
            }
        }
    }

    private static float reduce(Kind k, float[] x, int base, int[] members) {
        if (k == Kind.REDUCE_MAX || k == Kind.REDUCE_MIN) {
            float r = x[base + members[0]];
            for (int i = 1; i < members.length; i++) {
                float v = x[base + members[i]];
                r = k == Kind.REDUCE_MAX ? Math.max(r, v) : Math.min(r, v);
            }
            return r;
        }
        double sum = 0;
        for (int member : members) {
            sum += x[base + member];
        }
        return (float) (k == Kind.REDUCE_MEAN ? sum / members.length : sum);
    }

    private void matmul(float[] a, int a0, float[] b, int b0, float[] out, int o0) {
        boolean ta = call.transposeA();
        boolean tb = call.transposeB();
        for (int g = 0; g < matrices; g++) {
            int ag = a0 + g * m * inner;
            int bg = b0 + g * inner * cols;
            int og = o0 + g * m * cols;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < cols; j++) {
                    float s = 0;
                    for (int q = 0; q < inner; q++) {
                        float av = ta ? a[ag + q * m + i] : a[ag + i * inner + q];
                        float bv = tb ? b[bg + j * inner + q] : b[bg + q * cols + j];
                        s += av * bv;
                    }
                    out[og + i * cols + j] = s;
                }
            }
        }
    }
}
