package io.sparkscore.model;

import io.sparkscore.model.savedmodel.SavedModelOutput;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes every tensor's per-row shape (batch dimension excluded) the way Keras' {@code compute_output_shape} does.
 * Both prediction paths and {@code inspect} rely on it, so a layer's shape rule lives here once.
 *
 * <p>Open dimensions ({@link Shapes#UNKNOWN}) propagate: a rule that cannot know a size yields {@code -1} there.
 */
public final class ShapeInference {

    private static final Set<String> SHAPE_PRESERVING = Set.of(
            "InputLayer", "Activation", "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
            "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization", "Masking",
            "LeakyReLU", "PReLU", "ELU", "ReLU", "Softmax", "ThresholdedReLU",
            "BatchNormalization", "LayerNormalization");
    private static final Set<String> ELEMENTWISE_MERGES = Set.of(
            "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum");
    private static final Set<String> RECURRENT = Set.of("SimpleRNN", "LSTM", "GRU");

    private ShapeInference() {
    }

    /** Shapes of every model input and node output, keyed by tensor name. */
    public static Map<String, int[]> infer(ModelSpec spec) {
        Map<String, int[]> shapes = new HashMap<>();
        for (InputSpec in : spec.inputs()) {
            shapes.put(in.name(), in.shape());
        }
        for (NodeSpec node : spec.nodes()) {
            List<int[]> in = node.inputs().stream().map(shapes::get).toList();
            shapes.put(node.id(), outputShape(spec.layer(node.layerName()), in));
        }
        return shapes;
    }

    /** The output shape of one layer applied to inputs of the given shapes. */
    public static int[] outputShape(LayerSpec layer, List<int[]> inputs) {
        int[] x = inputs.get(0);
        LayerConfig c = layer.config();
        String cls = layer.className();
        if (SHAPE_PRESERVING.contains(cls)) {
            return x.clone();
        }
        if (ELEMENTWISE_MERGES.contains(cls)) {
            return broadcast(layer, inputs);
        }
        if (RECURRENT.contains(cls)) {
            requireRank(c, cls, x, 2, "(timesteps, features)");
            int units = c.requireInt("units");
            return c.getBoolean("return_sequences", false) ? new int[] {x[0], units} : new int[] {units};
        }
        switch (cls) {
            case "Dense" -> {
                int[] r = x.clone();
                r[r.length - 1] = c.requireInt("units");
                return r;
            }
            case "Flatten" -> {
                return new int[] {Shapes.isFullyKnown(x) ? Math.toIntExact(Shapes.size(x)) : Shapes.UNKNOWN};
            }
            case "Reshape" -> {
                return reshape(layer, x);
            }
            case "Permute" -> {
                int[] dims = c.getInts("dims", x.length, null);
                if (dims == null) {
                    throw c.unsupported("config has no 'dims'");
                }
                int[] r = new int[x.length];
                boolean[] seen = new boolean[x.length];
                for (int i = 0; i < r.length; i++) {
                    int from = dims[i] - 1;
                    if (from < 0 || from >= x.length || seen[from]) {
                        throw c.unsupported("dims " + Arrays.toString(dims) + " is not a permutation of 1.."
                                + x.length);
                    }
                    seen[from] = true;
                    r[i] = x[from];
                }
                return r;
            }
            case "RepeatVector" -> {
                requireRank(c, cls, x, 1, "(features,)");
                return new int[] {c.requireInt("n"), x[0]};
            }
            case "Embedding" -> {
                return Shapes.concat(x, c.requireInt("output_dim"));
            }
            case "Conv1D", "Conv2D", "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D" -> {
                return convolution(layer, x);
            }
            case "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D" -> {
                return pooling(layer, x);
            }
            case "GlobalMaxPooling1D", "GlobalAveragePooling1D", "GlobalMaxPooling2D", "GlobalAveragePooling2D" -> {
                return globalPooling(layer, x);
            }
            case "ZeroPadding1D", "ZeroPadding2D", "Cropping1D", "Cropping2D", "UpSampling1D", "UpSampling2D" -> {
                return resizing(layer, x);
            }
            case "Bidirectional" -> {
                int[] forward = outputShape(layer.child(0), inputs.subList(0, 1));
                if ("concat".equals(c.getString("merge_mode", "concat"))) {
                    int[] backward = outputShape(layer.child(layer.children().size() > 1 ? 1 : 0),
                            inputs.subList(0, 1));
                    forward[forward.length - 1] += backward[backward.length - 1];
                }
                return forward;
            }
            case "TimeDistributed" -> {
                int[] step = Arrays.copyOfRange(x, 1, x.length);
                return Shapes.concat(new int[] {x[0]}, outputShape(layer.child(0), List.of(step)));
            }
            case "Concatenate" -> {
                return concatenate(layer, inputs);
            }
            case "Dot" -> {
                return dot(layer, inputs);
            }
            case SavedModelOutput.CLASS_NAME -> {
                return c.getShape(SavedModelOutput.SHAPE);
            }
            default -> throw c.unsupported("no shape rule for layer class '" + cls + "'");
        }
    }

    private static void requireRank(LayerConfig c, String cls, int[] x, int rank, String expected) {
        if (x.length != rank) {
            throw c.unsupported(cls + " expects inputs of shape " + expected + " but got " + Shapes.format(x));
        }
    }

    /**
     * Turns a Keras axis (counting the batch dimension as 0, negative from the end) into an index into the per-row
     * shape of rank {@code rowRank}; the batch axis itself is refused.
     */
    public static int rowAxis(LayerConfig c, String key, int kerasAxis, int rowRank) {
        int full = kerasAxis < 0 ? kerasAxis + rowRank + 1 : kerasAxis;
        if (full <= 0 || full > rowRank) {
            throw c.unsupported("'" + key + "' = " + kerasAxis + " does not name a non-batch axis of a tensor with "
                    + rowRank + " non-batch dimensions");
        }
        return full - 1;
    }

    /** Per-row axes of an {@code axis} option that may be one integer or a list of integers. */
    public static int[] rowAxes(LayerConfig c, String key, int defaultAxis, int rowRank) {
        Object raw = c.raw(key);
        int[] keras = raw instanceof List<?> ? c.getInts(key, 0, null) : new int[] {c.getInt(key, defaultAxis)};
        int[] r = new int[keras.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = rowAxis(c, key, keras[i], rowRank);
        }
        Arrays.sort(r);
        return r;
    }

    /**
     * Output length of a convolution or pooling window along one axis, as Keras' {@code conv_output_length}:
     * {@code valid} keeps whole windows, {@code same} and {@code causal} give {@code ceil(length / stride)}.
     */
    public static int windowOutputLength(LayerConfig c, int length, int window, int stride, int dilation,
                                         String padding) {
        if (length < 0) {
            return Shapes.UNKNOWN;
        }
        int span = (window - 1) * dilation + 1;
        int out = switch (padding) {
            case "valid" -> (length - span + stride) / stride;
            case "same", "causal" -> (length + stride - 1) / stride;
            default -> throw c.unsupported("padding '" + padding + "' is not one of valid, same, causal");
        };
        if (length - span + stride <= 0 && "valid".equals(padding)) {
            throw c.unsupported("input length " + length + " is shorter than the window span " + span
                    + " with padding 'valid', so the output would be empty");
        }
        return out;
    }

    /** The spatial rank of a convolution, pooling or resizing class from its name ({@code ...1D}, {@code ...2D}). */
    public static int spatialRank(String className) {
        return className.endsWith("1D") ? 1 : className.endsWith("2D") ? 2 : 3;
    }

    private static boolean channelsFirst(LayerConfig c) {
        return "channels_first".equals(c.getString("data_format", "channels_last"));
    }

    private static int[] convolution(LayerSpec layer, int[] x) {
        LayerConfig c = layer.config();
        String cls = layer.className();
        int n = spatialRank(cls);
        boolean first = channelsFirst(c);
        int spatial0 = first ? 1 : 0;
        int channelAxis = first ? 0 : n;
        int[] kernel = c.getInts("kernel_size", n, null);
        if (kernel == null) {
            throw c.unsupported("config has no 'kernel_size'");
        }
        int[] strides = c.getInts("strides", n, ones(n));
        int[] dilation = c.getInts("dilation_rate", n, ones(n));
        String padding = c.getString("padding", "valid");
        int[] r = x.clone();
        for (int i = 0; i < n; i++) {
            r[spatial0 + i] = windowOutputLength(c, x[spatial0 + i], kernel[i], strides[i], dilation[i], padding);
        }
        r[channelAxis] = cls.startsWith("DepthwiseConv")
                ? (x[channelAxis] < 0 ? Shapes.UNKNOWN : x[channelAxis] * c.getInt("depth_multiplier", 1))
                : c.requireInt("filters");
        return r;
    }

    private static int[] pooling(LayerSpec layer, int[] x) {
        LayerConfig c = layer.config();
        int n = spatialRank(layer.className());
        int spatial0 = channelsFirst(c) ? 1 : 0;
        int[] pool = c.getInts("pool_size", n, n == 1 ? new int[] {2} : new int[] {2, 2});
        int[] strides = c.getInts("strides", n, pool);
        String padding = c.getString("padding", "valid");
        int[] r = x.clone();
        for (int i = 0; i < n; i++) {
            r[spatial0 + i] = windowOutputLength(c, x[spatial0 + i], pool[i], strides[i], 1, padding);
        }
        return r;
    }

    private static int[] globalPooling(LayerSpec layer, int[] x) {
        LayerConfig c = layer.config();
        int n = spatialRank(layer.className());
        boolean first = channelsFirst(c);
        int channels = first ? x[0] : x[n];
        if (!c.getBoolean("keepdims", false)) {
            return new int[] {channels};
        }
        int[] r = new int[n + 1];
        Arrays.fill(r, 1);
        r[first ? 0 : n] = channels;
        return r;
    }

    private static int[] resizing(LayerSpec layer, int[] x) {
        LayerConfig c = layer.config();
        String cls = layer.className();
        int n = spatialRank(cls);
        int spatial0 = channelsFirst(c) ? 1 : 0;
        int[] r = x.clone();
        if (cls.startsWith("UpSampling")) {
            int[] size = c.getInts("size", n, n == 1 ? new int[] {2} : new int[] {2, 2});
            for (int i = 0; i < n; i++) {
                r[spatial0 + i] = x[spatial0 + i] < 0 ? Shapes.UNKNOWN : x[spatial0 + i] * size[i];
            }
            return r;
        }
        boolean padding = cls.startsWith("ZeroPadding");
        // Keras' defaults: ZeroPadding pads 1 everywhere, Cropping1D crops (1, 1), Cropping2D/3D crop nothing
        int[][] amounts = paddingAmounts(c, padding ? "padding" : "cropping", n, padding || n == 1 ? 1 : 0);
        for (int i = 0; i < n; i++) {
            int d = x[spatial0 + i];
            int change = amounts[i][0] + amounts[i][1];
            r[spatial0 + i] = d < 0 ? Shapes.UNKNOWN : padding ? d + change : d - change;
            if (r[spatial0 + i] <= 0 && d >= 0) {
                throw c.unsupported("cropping " + Arrays.toString(amounts[i]) + " leaves nothing of a dimension of "
                        + d);
            }
        }
        return r;
    }

    /**
     * The before/after amounts of a ZeroPadding or Cropping option, per spatial axis, from any of Keras' spellings:
     * {@code 1}, {@code [1, 2]} (1D: before/after; 2D: symmetric per axis) or {@code [[1, 2], [3, 4]]}.
     */
    public static int[][] paddingAmounts(LayerConfig c, String key, int spatialRank, int defaultAmount) {
        Object raw = c.raw(key);
        int[][] r = new int[spatialRank][2];
        if (raw == null || raw instanceof Number) {
            int v = raw == null ? defaultAmount : c.getInt(key, 0);
            for (int[] pair : r) {
                Arrays.fill(pair, v);
            }
            return r;
        }
        if (!(raw instanceof List<?> list)) {
            throw c.unsupported("config '" + key + "' should be a number or a list but is " + raw);
        }
        if (spatialRank == 1 && list.size() == 2 && list.get(0) instanceof Number a
                && list.get(1) instanceof Number b) {
            r[0][0] = a.intValue();
            r[0][1] = b.intValue();
            return r;
        }
        if (list.size() != spatialRank) {
            throw c.unsupported("config '" + key + "' should have " + spatialRank + " entries but is " + raw);
        }
        for (int i = 0; i < spatialRank; i++) {
            Object e = list.get(i);
            if (e instanceof Number v) {
                r[i][0] = v.intValue();
                r[i][1] = v.intValue();
            } else if (e instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof Number a
                    && pair.get(1) instanceof Number b) {
                r[i][0] = a.intValue();
                r[i][1] = b.intValue();
            } else {
                throw c.unsupported("config '" + key + "' entry " + e + " should be a number or [before, after]");
            }
        }
        return r;
    }

    private static int[] reshape(LayerSpec layer, int[] x) {
        LayerConfig c = layer.config();
        int[] target = c.getShape("target_shape");
        int open = -1;
        long known = 1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] < 0) {
                if (open >= 0) {
                    throw c.unsupported("target_shape " + Arrays.toString(target) + " has more than one -1");
                }
                open = i;
            } else {
                known *= target[i];
            }
        }
        int[] r = target.clone();
        if (!Shapes.isFullyKnown(x)) {
            return r;
        }
        long total = Shapes.size(x);
        if (open >= 0) {
            if (known == 0 || total % known != 0) {
                throw c.unsupported("cannot reshape " + Shapes.format(x) + " into target_shape "
                        + Arrays.toString(target));
            }
            r[open] = Math.toIntExact(total / known);
        } else if (known != total) {
            throw c.unsupported("cannot reshape " + Shapes.format(x) + " (" + total + " values) into target_shape "
                    + Arrays.toString(target) + " (" + known + " values)");
        }
        return r;
    }

    private static int[] concatenate(LayerSpec layer, List<int[]> inputs) {
        LayerConfig c = layer.config();
        int[] first = inputs.get(0);
        int axis = rowAxis(c, "axis", c.getInt("axis", -1), first.length);
        int[] r = first.clone();
        for (int k = 1; k < inputs.size(); k++) {
            int[] s = inputs.get(k);
            if (s.length != first.length) {
                throw c.unsupported("inputs have different ranks: " + formatAll(inputs));
            }
            for (int i = 0; i < s.length; i++) {
                if (i == axis) {
                    r[i] = r[i] < 0 || s[i] < 0 ? Shapes.UNKNOWN : r[i] + s[i];
                } else if (s[i] != first[i] && s[i] >= 0 && first[i] >= 0) {
                    throw c.unsupported("inputs " + formatAll(inputs) + " differ outside the concatenation axis");
                }
            }
        }
        return r;
    }

    /**
     * Element-wise merges broadcast their inputs as Keras' _Merge does: a lower-rank input gets unit dimensions
     * inserted right after the batch axis, then dimensions must agree or be 1.
     */
    private static int[] broadcast(LayerSpec layer, List<int[]> inputs) {
        int rank = 0;
        for (int[] s : inputs) {
            rank = Math.max(rank, s.length);
        }
        int[] r = new int[rank];
        Arrays.fill(r, 1);
        for (int[] raw : inputs) {
            int[] s = withLeadingUnits(raw, rank);
            for (int i = 0; i < s.length; i++) {
                if (r[i] == 1) {
                    r[i] = s[i];
                } else if (s[i] != 1 && s[i] != r[i]) {
                    throw layer.config().unsupported("input shapes " + formatAll(inputs) + " cannot be broadcast");
                }
            }
        }
        return r;
    }

    /** {@code shape} with unit dimensions in front up to {@code rank}, the way _Merge expands a lower-rank input. */
    public static int[] withLeadingUnits(int[] shape, int rank) {
        int[] r = new int[rank];
        Arrays.fill(r, 1);
        System.arraycopy(shape, 0, r, rank - shape.length, shape.length);
        return r;
    }

    /** The per-row axes of a Dot layer's two inputs. */
    public static int[] dotAxes(LayerConfig c, int[] a, int[] b) {
        Object raw = c.raw("axes");
        int[] keras = raw instanceof List<?> ? c.getInts("axes", 2, null) : new int[] {c.requireInt("axes"),
                c.requireInt("axes")};
        return new int[] {rowAxis(c, "axes", keras[0], a.length), rowAxis(c, "axes", keras[1], b.length)};
    }

    private static int[] dot(LayerSpec layer, List<int[]> inputs) {
        LayerConfig c = layer.config();
        if (inputs.size() != 2) {
            throw c.unsupported("Dot needs exactly 2 inputs but has " + inputs.size());
        }
        int[] a = inputs.get(0);
        int[] b = inputs.get(1);
        int[] axes = dotAxes(c, a, b);
        if (a[axes[0]] != b[axes[1]]) {
            throw c.unsupported("dimension " + a[axes[0]] + " of " + Shapes.format(a) + " does not match "
                    + b[axes[1]] + " of " + Shapes.format(b));
        }
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            if (i != axes[0]) {
                r.add(a[i]);
            }
        }
        for (int i = 0; i < b.length; i++) {
            if (i != axes[1]) {
                r.add(b[i]);
            }
        }
        if (r.isEmpty()) {
            r.add(1);
        }
        return r.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String formatAll(List<int[]> shapes) {
        return shapes.stream().map(Shapes::format).toList().toString();
    }

    private static int[] ones(int n) {
        int[] r = new int[n];
        Arrays.fill(r, 1);
        return r;
    }
}
