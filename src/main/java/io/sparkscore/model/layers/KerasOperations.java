package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.OpLambdaCall.Kind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keras 3's spelling of the raw ops a functional model applies to Keras tensors ({@code x + 1},
 * {@code keras.ops.sum(x, axis=1)}, {@code x[:, 1:3]}): Keras 3 serializes each as an operation layer of module
 * {@code keras.src.ops.numpy} (or {@code .nn}, {@code .math}, {@code .core}) whose config holds the operation's
 * constructor arguments ({@code newshape}, {@code axis}, {@code keepdims}, {@code x_min}) and whose call holds the
 * tensors and constants positionally. sparkscore reads them as one registry class, {@value #CLASS}, whose config
 * names the operation ({@value #OPERATION}: {@code numpy.Add}); each whitelisted operation is mapped onto the
 * {@link Kind} of the TensorFlow op layers that computes the same (one implementation of each op's semantics on each
 * path), its options translated here into that kind's arguments. numpy semantics are tensorflow's for these ops:
 * shapes and axes count the batch (reshape's {@code newshape} included), negative axes count from the end, binary
 * ops broadcast; anything that would reach the batch is refused by {@link OpLambdaCall}, as for tf.keras 2.
 */
public final class KerasOperations {

    /** The registry class of a Keras 3 operation. */
    public static final String CLASS = "Operation";
    /** The config key naming the operation: its module after {@code keras.src.ops.}, a dot, its class. */
    public static final String OPERATION = "operation";
    /** The module prefix Keras 3 writes for its operations. */
    public static final String MODULE_PREFIX = "keras.src.ops.";
    /** The call argument holding GetItem's key (the Python index: slices, integers, {@code ...}). */
    public static final String KEY = "key";

    private static final Map<String, Kind> KINDS = kinds();

    private KerasOperations() {
    }

    private static Map<String, Kind> kinds() {
        Map<String, Kind> m = new LinkedHashMap<>();
        m.put("numpy.Add", Kind.ADD);
        m.put("numpy.Subtract", Kind.SUBTRACT);
        m.put("numpy.Multiply", Kind.MULTIPLY);
        m.put("numpy.TrueDivide", Kind.DIVIDE);
        m.put("numpy.Divide", Kind.DIVIDE);
        m.put("numpy.Maximum", Kind.MAXIMUM);
        m.put("numpy.Minimum", Kind.MINIMUM);
        m.put("numpy.Power", Kind.POW);
        m.put("numpy.Greater", Kind.GREATER);
        m.put("numpy.GreaterEqual", Kind.GREATER_EQUAL);
        m.put("numpy.Less", Kind.LESS);
        m.put("numpy.LessEqual", Kind.LESS_EQUAL);
        m.put("numpy.Equal", Kind.EQUAL);
        m.put("numpy.NotEqual", Kind.NOT_EQUAL);
        m.put("numpy.Where", Kind.WHERE);
        m.put("numpy.Negative", Kind.NEGATIVE);
        m.put("numpy.Exp", Kind.EXP);
        m.put("numpy.Log", Kind.LOG);
        m.put("numpy.Sqrt", Kind.SQRT);
        m.put("numpy.Square", Kind.SQUARE);
        m.put("numpy.Absolute", Kind.ABS);
        m.put("numpy.Abs", Kind.ABS);
        m.put("numpy.Tanh", Kind.TANH);
        m.put("nn.Sigmoid", Kind.SIGMOID);
        m.put("nn.Relu", Kind.RELU);
        m.put("math.Rsqrt", Kind.RSQRT);
        m.put("core.Cast", Kind.CAST);
        m.put("numpy.Clip", Kind.CLIP);
        m.put("nn.Softmax", Kind.SOFTMAX);
        m.put("numpy.Reshape", Kind.RESHAPE);
        m.put("numpy.Transpose", Kind.TRANSPOSE);
        m.put("numpy.Concatenate", Kind.CONCAT);
        m.put("numpy.ExpandDims", Kind.EXPAND_DIMS);
        m.put("numpy.Squeeze", Kind.SQUEEZE);
        m.put("numpy.Mean", Kind.REDUCE_MEAN);
        m.put("numpy.Sum", Kind.REDUCE_SUM);
        m.put("numpy.Max", Kind.REDUCE_MAX);
        m.put("numpy.Min", Kind.REDUCE_MIN);
        m.put("numpy.Matmul", Kind.MATMUL);
        m.put("numpy.GetItem", Kind.GETITEM);
        return m;
    }

    /** Whether {@code module.className} is an operation sparkscore reads. */
    public static boolean supports(String module, String className) {
        return module.startsWith(MODULE_PREFIX) && KINDS.containsKey(module.substring(MODULE_PREFIX.length()) + "."
                + className);
    }

    /** The config's operation name, {@code numpy.Add}, for a file's {@code module} and {@code class_name}. */
    public static String operationName(String module, String className) {
        return module.substring(MODULE_PREFIX.length()) + "." + className;
    }

    /** The operations read, as Keras names them ({@code keras.src.ops.numpy.Add}), for messages and the README. */
    public static String supported() {
        List<String> names = new ArrayList<>();
        KINDS.keySet().forEach(n -> names.add(MODULE_PREFIX + n));
        return String.join(", ", names);
    }

    /** The operation's full name, {@code keras.src.ops.numpy.Add}. */
    public static String displayName(LayerSpec layer) {
        return MODULE_PREFIX + layer.config().getString(OPERATION, "?");
    }

    /** The kind computing the layer's operation, after checking it is one sparkscore reads. */
    static Kind kind(LayerSpec layer) {
        String op = layer.config().getString(OPERATION, null);
        Kind k = op == null ? null : KINDS.get(op);
        if (k == null) {
            throw layer.config().unsupported("is the Keras 3 operation " + MODULE_PREFIX + op + ", which sparkscore"
                    + " does not implement (it never runs code from a model file); supported operations: "
                    + supported());
        }
        return k;
    }

    /** The module and class Keras writes for the layer's operation: {@code [keras.src.ops.numpy, Add]}. */
    public static String[] moduleAndClass(LayerSpec layer) {
        String op = layer.config().getString(OPERATION, "");
        int dot = op.lastIndexOf('.');
        return new String[] {MODULE_PREFIX + op.substring(0, Math.max(dot, 0)), op.substring(dot + 1)};
    }

    /** The config options each operation has besides {@code name} (its constructor's arguments). */
    private static Set<String> options(Kind k) {
        return switch (k) {
            case RESHAPE -> Set.of("newshape");
            case TRANSPOSE -> Set.of("axes");
            case CONCAT, EXPAND_DIMS, SQUEEZE, SOFTMAX -> Set.of("axis");
            case REDUCE_MEAN, REDUCE_SUM -> Set.of("axis", "keepdims");
            case REDUCE_MAX, REDUCE_MIN -> Set.of("axis", "keepdims", "initial");
            case CLIP -> Set.of("x_min", "x_max");
            case CAST -> Set.of("dtype");
            default -> Set.of();
        };
    }

    /**
     * The TensorFlow-named arguments {@link OpLambdaCall} reads for one call of the operation: its config options
     * renamed, a binary op's constant operand ({@code x} first, {@code y} second, as the reader records it) and
     * GetItem's key as a slice spec.
     */
    static Map<String, Object> arguments(LayerSpec layer, Map<String, Object> callArgs) {
        LayerConfig c = layer.config();
        Kind k = kind(layer);
        String op = displayName(layer);
        for (Map.Entry<String, Object> e : c.asMap().entrySet()) {
            String key = e.getKey();
            if (!key.equals("name") && !key.equals(OPERATION) && !options(k).contains(key)) {
                throw c.unsupported(op + " has the option " + key + "=" + e.getValue() + ", which sparkscore does not"
                        + " read");
            }
        }
        Map<String, Object> args = new LinkedHashMap<>();
        for (String constant : List.of("x", "y", "arg2")) {
            if (callArgs.containsKey(constant)) {
                args.put(constant, callArgs.get(constant));
            }
        }
        callArgs.keySet().stream().filter(key -> !Set.of("x", "y", "arg2", KEY).contains(key)).findFirst()
                .ifPresent(key -> {
            throw c.unsupported(op + " is called with " + key + "=" + callArgs.get(key) + ", which sparkscore does"
                    + " not read");
        });
        switch (k) {
            case RESHAPE -> args.put("shape", c.raw("newshape"));
            case TRANSPOSE -> {
                if (c.raw("axes") == null) {
                    throw c.unsupported(op + " without axes reverses every axis, the batch included; give axes"
                            + " with 0 first");
                }
                args.put("perm", c.raw("axes"));
            }
            case CONCAT, EXPAND_DIMS, SQUEEZE, SOFTMAX -> args.put("axis", c.raw("axis"));
            case REDUCE_MEAN, REDUCE_SUM, REDUCE_MAX, REDUCE_MIN -> {
                if (c.raw("initial") != null) {
                    throw c.unsupported(op + " with initial=" + c.raw("initial") + " is not supported");
                }
                args.put("axis", c.raw("axis"));
                args.put("keepdims", c.raw("keepdims"));
            }
            case CLIP -> {
                args.put("clip_value_min", c.raw("x_min"));
                args.put("clip_value_max", c.raw("x_max"));
            }
            case CAST -> args.put("dtype", c.raw("dtype"));
            case GETITEM -> args.put("slice_spec", sliceSpec(c, op, callArgs.get(KEY)));
            default -> {
            }
        }
        if (k != Kind.GETITEM && callArgs.containsKey(KEY)) {
            throw c.unsupported(op + " takes no index");
        }
        return args;
    }

    /**
     * Keras 3's GetItem key ({@code __slice__} objects, integers, {@code __ellipsis__}) as the slice spec
     * {@link OpSlice} reads; {@code None} (a new axis) is refused.
     */
    private static Object sliceSpec(LayerConfig c, String op, Object key) {
        List<?> entries = key instanceof List<?> l ? l : java.util.Collections.singletonList(key);
        List<Object> spec = new ArrayList<>();
        for (Object e : entries) {
            if (e == null) {
                throw c.unsupported(op + " with the index " + key + " inserts a new axis (None), which is not"
                        + " supported; use keras.ops.expand_dims");
            }
            if (e instanceof Map<?, ?> m && "__slice__".equals(m.get("class_name"))
                    && m.get("config") instanceof Map<?, ?> bounds) {
                Map<String, Object> s = new LinkedHashMap<>();
                for (String b : List.of("start", "stop", "step")) {
                    s.put(b, bounds.get(b));
                }
                spec.add(s);
            } else if (e instanceof Map<?, ?> m && "__ellipsis__".equals(m.get("class_name"))
                    || e instanceof Number) {
                spec.add(e);
            } else {
                throw c.unsupported(op + " with the index " + key + " holds " + e + ", which is not a slice, an"
                        + " integer or '...'");
            }
        }
        return spec;
    }
}
