package io.sparkscore.model;

import io.sparkscore.model.layers.CallShapeRule;
import io.sparkscore.model.layers.LayerRegistry;
import io.sparkscore.model.savedmodel.SavedModelOutput;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes every tensor's per-row shape (batch dimension excluded) the way Keras' {@code compute_output_shape} does,
 * with each class's rule from {@link LayerRegistry}, plus the axis and window arithmetic those rules and the paths
 * share. Both prediction paths and {@code inspect} rely on it.
 *
 * <p>Open dimensions ({@link Shapes#UNKNOWN}) propagate: a rule that cannot know a size yields {@code -1} there.
 */
public final class ShapeInference {

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
            shapes.put(node.id(), outputShape(spec.layer(node.layerName()), node, in));
        }
        return shapes;
    }

    /** The output shape of one layer applied to inputs of the given shapes, by its class's registry rule. */
    public static int[] outputShape(LayerSpec layer, List<int[]> inputs) {
        if (layer.className().equals(SavedModelOutput.CLASS_NAME)) {
            return layer.config().getShape(SavedModelOutput.SHAPE);
        }
        return LayerRegistry.require(layer).shapeRule().outputShape(layer, inputs);
    }

    /** The output shape of one call, whose arguments a {@link CallShapeRule} reads. */
    public static int[] outputShape(LayerSpec layer, NodeSpec node, List<int[]> inputs) {
        if (!layer.className().equals(SavedModelOutput.CLASS_NAME)
                && LayerRegistry.require(layer).shapeRule() instanceof CallShapeRule rule) {
            return rule.outputShape(layer, node.callArgs(), inputs);
        }
        return outputShape(layer, inputs);
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

    /** {@code shape} with unit dimensions in front up to {@code rank}, the way _Merge expands a lower-rank input. */
    public static int[] withLeadingUnits(int[] shape, int rank) {
        int[] r = new int[rank];
        Arrays.fill(r, 1);
        System.arraycopy(shape, 0, r, rank - shape.length, shape.length);
        return r;
    }
}
