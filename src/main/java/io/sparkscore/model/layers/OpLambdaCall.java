package io.sparkscore.model.layers;

import io.sparkscore.model.JsonInts;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One call of a tf.keras 2 {@code TFOpLambda} or {@code SlicingOpLambda} layer: the TensorFlow function a functional
 * model applied to a Keras tensor (the config's {@code function}, e.g. {@code math.add}, {@code reshape},
 * {@code __operators__.getitem}) and its arguments from the call's kwargs. Only the functions of {@link Kind} are
 * read, each mapped to sparkscore's own implementation on both paths; no code from the file is ever run, and any
 * other function is refused naming it. Axes count the batch as 0, as TensorFlow does; an argument that would reach
 * the batch axis (reshaping it, reducing or concatenating over it, slicing it) is refused, since a row's result
 * would then depend on the other rows. Keras 3's operation layers ({@link KerasOperations}) are read as the same
 * kinds, their options translated into these arguments.
 *
 * @param kind     what the function computes
 * @param function the config's function name
 * @param scalar      a binary op's constant operand (null when both are tensors)
 * @param scalarFirst whether the constant is the first operand ({@code 1 - x}: tf.keras records the constant as
 *                    {@code _CONSTANT_VALUE}, read as the argument {@code x}, and the tensor as {@code y})
 * @param bounds   clip_by_value's {@code [min, max]}, else null
 * @param axes     per-row axes (batch excluded) of a reduction, softmax, concat, expand_dims or squeeze
 * @param shape    reshape's per-row target (one entry may be -1) or transpose's per-row permutation
 * @param slices   getitem's per-row slices, one per axis after the batch
 * @param whereOperands where's condition, x1 and x2: the number of each operand given as a constant, null for each
 *                      tensor (taken in order from the inputs); null for other kinds
 */
public record OpLambdaCall(Kind kind, String function, Double scalar, boolean scalarFirst, double[] bounds,
                           int[] axes, boolean keepDims, int[] shape, boolean transposeA, boolean transposeB,
                           List<OpSlice> slices, Double[] whereOperands) {

    /** The functions read, by TensorFlow name, and what each computes; a layer's options are its function's kind. */
    public enum Kind implements LayerOptions {
        ADD("math.add", "__operators__.add"), SUBTRACT("math.subtract"), MULTIPLY("math.multiply"),
        DIVIDE("math.truediv", "math.divide"), MAXIMUM("math.maximum"), MINIMUM("math.minimum"), POW("math.pow"),
        // comparisons give 1 (true) or 0 (false) in float32, which arithmetic and where read as numpy reads a bool;
        // read from Keras 3 files only
        GREATER(), GREATER_EQUAL(), LESS(), LESS_EQUAL(), EQUAL(), NOT_EQUAL(),
        NEGATIVE("math.negative"), EXP("math.exp"), LOG("math.log"), SQRT("math.sqrt"), SQUARE("math.square"),
        ABS("math.abs"), TANH("math.tanh"), SIGMOID("math.sigmoid"), RELU("nn.relu"), RSQRT("math.rsqrt"),
        CAST("cast"), CLIP("clip_by_value"), SOFTMAX("nn.softmax"),
        RESHAPE("reshape"), TRANSPOSE("transpose", "compat.v1.transpose"), CONCAT("concat"),
        EXPAND_DIMS("expand_dims"), SQUEEZE("squeeze", "compat.v1.squeeze"),
        REDUCE_MEAN("math.reduce_mean"), REDUCE_SUM("math.reduce_sum"), REDUCE_MAX("math.reduce_max"),
        REDUCE_MIN("math.reduce_min"), MATMUL("linalg.matmul"), GETITEM("__operators__.getitem"),
        /** Keras 3's numpy.where(condition, x1, x2): x1 where the condition is not 0, else x2 (read from Keras 3). */
        WHERE();

        private final List<String> names;

        Kind(String... names) {
            this.names = List.of(names);
        }

        public boolean binary() {
            return ordinal() <= NOT_EQUAL.ordinal();
        }

        /** Element-wise on one tensor (clip_by_value with its two number bounds, cast to float32). */
        public boolean unary() {
            return ordinal() >= NEGATIVE.ordinal() && ordinal() <= CLIP.ordinal();
        }

        public boolean reduction() {
            return this == REDUCE_MEAN || this == REDUCE_SUM || this == REDUCE_MAX || this == REDUCE_MIN;
        }

        /** The kind of a TensorFlow function name, or null. */
        public static Kind of(String function) {
            for (Kind k : values()) {
                if (k.names.contains(function)) {
                    return k;
                }
            }
            return null;
        }

        static String supported() {
            List<String> all = new ArrayList<>();
            for (Kind k : values()) {
                all.addAll(k.names);
            }
            return String.join(", ", all);
        }
    }

    /** The function name of a layer, after checking it is one sparkscore reads. */
    public static Kind kind(LayerSpec layer) {
        if (layer.className().equals(KerasOperations.CLASS)) {
            return KerasOperations.kind(layer);
        }
        String function = layer.config().getString("function", null);
        Kind k = function == null ? null : Kind.of(function);
        if (k == null) {
            throw layer.config().unsupported("applies the TensorFlow function '" + function + "', which sparkscore"
                    + " does not implement (it never runs code from a model file); supported functions: "
                    + Kind.supported());
        }
        if (layer.className().equals("SlicingOpLambda") != (k == Kind.GETITEM)) {
            throw layer.config().unsupported("a " + layer.className() + " cannot apply '" + function + "'");
        }
        return k;
    }

    /** The keyword tf.keras records a call's second tensor under: {@code y} (binary ops), {@code b} (matmul). */
    public static String secondTensorKeyword(LayerSpec layer) {
        return kind(layer) == Kind.MATMUL ? "b" : "y";
    }

    /** Read-time check of the layer's function (its arguments come with each call). */
    static LayerOptions checked(LayerSpec layer, int kerasMajor) {
        return kind(layer);
    }

    /** The arguments each function takes besides its (first) tensor and {@code name}. */
    private static Set<String> arguments(Kind k) {
        if (k.binary()) {
            return Set.of("x", "y");
        }
        return switch (k) {
            case RESHAPE -> Set.of("shape");
            case TRANSPOSE -> Set.of("perm", "conjugate");
            case CONCAT, EXPAND_DIMS -> Set.of("axis");
            case SQUEEZE -> Set.of("axis", "squeeze_dims");
            case REDUCE_MEAN, REDUCE_SUM, REDUCE_MAX, REDUCE_MIN -> Set.of("axis", "keepdims");
            case MATMUL -> Set.of("transpose_a", "transpose_b", "adjoint_a", "adjoint_b", "a_is_sparse",
                    "b_is_sparse", "output_type");
            case GETITEM -> Set.of("slice_spec", "var");
            case CAST -> Set.of("dtype");
            case CLIP -> Set.of("clip_value_min", "clip_value_max");
            case SOFTMAX -> Set.of("axis");
            case WHERE -> Set.of("x", "y", "arg2");
            default -> Set.of();
        };
    }

    /** Parses one call of {@code layer} with the call's plain arguments on inputs of the given per-row shapes. */
    public static OpLambdaCall of(LayerSpec layer, Map<String, Object> callArgs, List<int[]> inputs) {
        LayerConfig c = layer.config();
        Kind k = kind(layer);
        boolean keras3 = layer.className().equals(KerasOperations.CLASS);
        Map<String, Object> args = keras3 ? KerasOperations.arguments(layer, callArgs) : callArgs;
        String fn = keras3 ? KerasOperations.displayName(layer) : c.getString("function", "");
        for (Map.Entry<String, Object> e : args.entrySet()) {
            if (!e.getKey().equals("name") && !arguments(k).contains(e.getKey())) {
                throw c.unsupported("calls " + fn + " with the argument " + e.getKey() + "=" + e.getValue()
                        + ", which sparkscore does not read");
            }
        }
        int rank = inputs.get(0).length;
        boolean scalarFirst = k.binary() && args.containsKey("x");
        if (scalarFirst && args.containsKey("y")) {
            throw c.unsupported(fn + " of two constants has no tensor operand");
        }
        Double[] whereOperands = k == Kind.WHERE ? whereOperands(c, fn, args) : null;
        int expectedInputs = k == Kind.CONCAT ? Math.max(inputs.size(), 1) : k == Kind.MATMUL ? 2
                : k == Kind.WHERE ? (int) java.util.Arrays.stream(whereOperands).filter(o -> o == null).count()
                : k.binary() && !args.containsKey("y") && !scalarFirst ? 2 : 1;
        if (inputs.size() != expectedInputs || (k == Kind.CONCAT && inputs.size() < 1)) {
            throw c.unsupported(fn + " is called on " + inputs.size() + " tensors; sparkscore reads it on "
                    + expectedInputs + (k.binary() ? " (a tensor and a tensor or a number)" : ""));
        }
        Double scalar = null;
        String constant = scalarFirst ? "x" : "y";
        if (k.binary() && args.containsKey(constant)) {
            if (!(args.get(constant) instanceof Number n)) {
                throw c.unsupported(fn + " with " + constant + "=" + args.get(constant) + " (a constant that is not"
                        + " a number) is not supported; only a number or a Keras tensor");
            }
            scalar = n.doubleValue();
        }
        int[] axes = null;
        int[] shape = null;
        boolean keepDims = false;
        List<OpSlice> slices = null;
        switch (k) {
            case RESHAPE -> shape = reshapeTarget(c, fn, args.get("shape"));
            case TRANSPOSE -> {
                if (Boolean.TRUE.equals(args.get("conjugate"))) {
                    throw c.unsupported(fn + " with conjugate=True is not supported");
                }
                shape = permutation(c, fn, args.get("perm"), rank);
            }
            case CONCAT -> axes = new int[] {rowAxis(c, fn, args.get("axis"), rank)};
            case EXPAND_DIMS -> axes = new int[] {rowAxis(c, fn, args.get("axis"), rank + 1)};
            case SQUEEZE -> axes = rowAxes(c, fn, args.containsKey("axis") ? args.get("axis")
                    : args.get("squeeze_dims"), rank);
            case REDUCE_MEAN, REDUCE_SUM, REDUCE_MAX, REDUCE_MIN -> {
                axes = rowAxes(c, fn, args.get("axis"), rank);
                keepDims = Boolean.TRUE.equals(args.get("keepdims"));
            }
            case GETITEM -> slices = OpSlice.parse(c, args.get("slice_spec"), inputs.get(0));
            case SOFTMAX -> axes = new int[] {rowAxis(c, fn, args.getOrDefault("axis", -1), rank)};
            case CAST -> {
                if (!"float32".equals(args.get("dtype"))) {
                    throw c.unsupported(fn + " to dtype " + args.get("dtype") + " is not supported; sparkscore"
                            + " computes in float32 and reads only a cast to float32");
                }
            }
            default -> {
            }
        }
        for (String unsupportedFlag : List.of("adjoint_a", "adjoint_b", "a_is_sparse", "b_is_sparse")) {
            if (Boolean.TRUE.equals(args.get(unsupportedFlag))) {
                throw c.unsupported(fn + " with " + unsupportedFlag + "=True is not supported");
            }
        }
        double[] bounds = null;
        if (k == Kind.CLIP) {
            if (!(args.get("clip_value_min") instanceof Number lo) || !(args.get("clip_value_max") instanceof Number hi)) {
                throw c.unsupported(fn + " with bounds " + args.get("clip_value_min") + ", "
                        + args.get("clip_value_max") + " is not supported; give two numbers");
            }
            bounds = new double[] {lo.doubleValue(), hi.doubleValue()};
        }
        OpLambdaCall call = new OpLambdaCall(k, fn, scalar, scalarFirst, bounds, axes, keepDims, shape,
                Boolean.TRUE.equals(args.get("transpose_a")), Boolean.TRUE.equals(args.get("transpose_b")), slices,
                whereOperands);
        call.outputShape(c, inputs);
        return call;
    }

    /** where's operands: a number for each given as a constant ({@code y}: x1, {@code arg2}: x2), else null. */
    private static Double[] whereOperands(LayerConfig c, String fn, Map<String, Object> args) {
        if (args.containsKey("x")) {
            throw c.unsupported(fn + " with the constant condition " + args.get("x") + " is not supported; the"
                    + " condition must be a tensor");
        }
        Double[] r = new Double[3];
        List<String> keys = List.of("x", "y", "arg2");
        for (int i = 1; i < 3; i++) {
            Object v = args.get(keys.get(i));
            if (args.containsKey(keys.get(i))) {
                if (!(v instanceof Number n)) {
                    throw c.unsupported(fn + " with the constant " + v + " is not supported; only a number or a"
                            + " Keras tensor");
                }
                r[i] = n.doubleValue();
            }
        }
        return r;
    }

    private static int[] reshapeTarget(LayerConfig c, String fn, Object raw) {
        int[] full = ints(c, fn, "shape", raw);
        if (full.length < 1 || full[0] != -1) {
            throw c.unsupported(fn + " with shape " + raw + " does not keep the batch dimension; sparkscore reads"
                    + " a reshape whose shape starts with -1 (the batch)");
        }
        return Arrays.copyOfRange(full, 1, full.length);
    }

    private static int[] permutation(LayerConfig c, String fn, Object raw, int rank) {
        if (raw == null) {
            throw c.unsupported(fn + " without perm reverses every axis, the batch included; give perm with 0"
                    + " first");
        }
        int[] full = ints(c, fn, "perm", raw);
        int[] sorted = full.clone();
        Arrays.sort(sorted);
        boolean permutation = full.length == rank + 1;
        for (int i = 0; permutation && i < sorted.length; i++) {
            permutation = sorted[i] == i;
        }
        if (!permutation || full[0] != 0) {
            throw c.unsupported(fn + " with perm " + raw + " is not a permutation of the " + (rank + 1) + " axes"
                    + " that keeps the batch (0) first");
        }
        int[] row = new int[rank];
        for (int i = 0; i < rank; i++) {
            row[i] = full[i + 1] - 1;
        }
        return row;
    }

    private static int rowAxis(LayerConfig c, String fn, Object raw, int rank) {
        Integer a = JsonInts.exact(raw instanceof List<?> l && l.size() == 1 ? l.get(0) : raw);
        if (a == null) {
            throw c.unsupported(fn + " with axis=" + raw + " is not supported; give one integer axis");
        }
        int full = a < 0 ? a + rank + 1 : a;
        if (full < 1 || full > rank) {
            throw c.unsupported(fn + " with axis=" + raw + " does not name a non-batch axis of a tensor with "
                    + rank + " non-batch dimensions");
        }
        return full - 1;
    }

    private static int[] rowAxes(LayerConfig c, String fn, Object raw, int rank) {
        if (raw == null) {
            throw c.unsupported(fn + " without axis acts on the batch dimension too; give the axes");
        }
        List<?> list = raw instanceof List<?> l ? l : List.of(raw);
        int[] r = new int[list.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = rowAxis(c, fn, list.get(i), rank);
        }
        Arrays.sort(r);
        if (Arrays.stream(r).distinct().count() != r.length || r.length == 0) {
            throw c.unsupported(fn + " with axis=" + raw + " should name distinct axes");
        }
        return r;
    }

    private static int[] ints(LayerConfig c, String fn, String key, Object raw) {
        if (!(raw instanceof List<?> list)) {
            throw c.unsupported(fn + " with " + key + "=" + raw + " is not supported; give a list of integers");
        }
        int[] r = new int[list.size()];
        for (int i = 0; i < r.length; i++) {
            Integer v = list.get(i) == null ? Integer.valueOf(-1) : JsonInts.exact(list.get(i));
            if (v == null) {
                throw c.unsupported(fn + " with " + key + "=" + raw + " is not supported; give a list of integers");
            }
            r[i] = v;
        }
        return r;
    }

    /** The per-row output shape. */
    public int[] outputShape(LayerConfig c, List<int[]> inputs) {
        int[] x = inputs.get(0);
        if (kind.binary()) {
            return scalar != null ? x.clone() : broadcast(c, x, inputs.get(1));
        }
        if (kind.unary() || kind == Kind.SOFTMAX) {
            return x.clone();
        }
        if (kind == Kind.WHERE) {
            int[] r = x;
            for (int[] other : inputs.subList(1, inputs.size())) {
                r = broadcast(c, r, other);
            }
            return r.clone();
        }
        return switch (kind) {
            case RESHAPE -> reshaped(c, x);
            case TRANSPOSE -> {
                int[] r = new int[x.length];
                for (int i = 0; i < r.length; i++) {
                    r[i] = x[shape[i]];
                }
                yield r;
            }
            case CONCAT -> {
                int[] r = x.clone();
                int axis = axes[0];
                for (int i = 1; i < inputs.size(); i++) {
                    int[] o = inputs.get(i);
                    for (int d = 0; d < x.length; d++) {
                        if (o.length != x.length || d != axis && o[d] != x[d]) {
                            throw c.unsupported(function + " of " + Shapes.format(x) + " and " + Shapes.format(o)
                                    + " along axis " + (axis + 1) + ": the other dimensions differ");
                        }
                    }
                    r[axis] += o[axis];
                }
                yield r;
            }
            case EXPAND_DIMS -> {
                int[] r = new int[x.length + 1];
                for (int i = 0, j = 0; i < r.length; i++) {
                    r[i] = i == axes[0] ? 1 : x[j++];
                }
                yield r;
            }
            case SQUEEZE -> {
                List<Integer> r = new ArrayList<>();
                for (int i = 0; i < x.length; i++) {
                    int axis = i;
                    boolean squeezed = Arrays.stream(axes).anyMatch(a -> a == axis);
                    if (squeezed && x[i] != 1) {
                        throw c.unsupported(function + " of axis " + (i + 1) + " of " + Shapes.format(x)
                                + ", which is not of size 1");
                    }
                    if (!squeezed) {
                        r.add(x[i]);
                    }
                }
                yield r.stream().mapToInt(Integer::intValue).toArray();
            }
            case REDUCE_MEAN, REDUCE_SUM, REDUCE_MAX, REDUCE_MIN -> {
                List<Integer> r = new ArrayList<>();
                for (int i = 0; i < x.length; i++) {
                    int axis = i;
                    if (Arrays.stream(axes).noneMatch(a -> a == axis)) {
                        r.add(x[i]);
                    } else if (keepDims) {
                        r.add(1);
                    }
                }
                yield r.stream().mapToInt(Integer::intValue).toArray();
            }
            case MATMUL -> matmulShape(c, x, inputs.get(1));
            case GETITEM -> {
                List<Integer> r = new ArrayList<>();
                for (OpSlice s : slices) {
                    if (s.index() == null) {
                        r.add(s.kept());
                    }
                }
                yield r.stream().mapToInt(Integer::intValue).toArray();
            }
            default -> throw new IllegalStateException(kind.toString());
        };
    }

    private int[] broadcast(LayerConfig c, int[] a, int[] b) {
        if (a.length != b.length) {
            throw c.unsupported(function + " of " + Shapes.format(a) + " and " + Shapes.format(b) + ": tensors of"
                    + " different ranks would broadcast against the batch dimension; sparkscore reads equal ranks");
        }
        int[] r = new int[a.length];
        for (int i = 0; i < r.length; i++) {
            if (a[i] != b[i] && a[i] != 1 && b[i] != 1) {
                throw c.unsupported(function + " of " + Shapes.format(a) + " and " + Shapes.format(b)
                        + " does not broadcast");
            }
            r[i] = Math.max(a[i], b[i]);
        }
        return r;
    }

    private int[] reshaped(LayerConfig c, int[] x) {
        long size = Shapes.size(x);
        int open = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (open >= 0) {
                    throw c.unsupported(function + " with two open (-1) dimensions besides the batch");
                }
                open = i;
            } else if (shape[i] < 1) {
                throw c.unsupported(function + " with the dimension " + shape[i]);
            } else {
                known *= shape[i];
            }
        }
        int[] r = shape.clone();
        if (open >= 0) {
            if (size % known != 0) {
                throw c.unsupported(function + " cannot reshape " + Shapes.format(x) + " to " + Arrays.toString(shape));
            }
            r[open] = Math.toIntExact(size / known);
        } else if (known != size) {
            throw c.unsupported(function + " cannot reshape " + Shapes.format(x) + " (" + size + " values) to "
                    + Shapes.format(shape));
        }
        return r;
    }

    private int[] matmulShape(LayerConfig c, int[] a, int[] b) {
        if (a.length < 2 || b.length != a.length) {
            throw c.unsupported(function + " of " + Shapes.format(a) + " and " + Shapes.format(b) + ": sparkscore"
                    + " reads per-row matrix products (both tensors (batch, ..., m, n) of the same rank)");
        }
        int n = a.length;
        int rows = transposeA ? a[n - 1] : a[n - 2];
        int inner = transposeA ? a[n - 2] : a[n - 1];
        int innerB = transposeB ? b[n - 1] : b[n - 2];
        int cols = transposeB ? b[n - 2] : b[n - 1];
        if (inner != innerB || !Arrays.equals(Arrays.copyOf(a, n - 2), Arrays.copyOf(b, n - 2))) {
            throw c.unsupported(function + " of " + Shapes.format(a) + " and " + Shapes.format(b)
                    + " does not fit");
        }
        int[] r = a.clone();
        r[n - 2] = rows;
        r[n - 1] = cols;
        return r;
    }
}
