package io.sparkscore.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Models with an open (None) input dimension: {@code Input(shape=(None, F))}, a sequence whose length T each row
 * brings. sparkscore scores such a model as Keras scores one row alone ({@code model.predict(x[None])}): it fixes the
 * open dimension to the row's length ({@link #withLengths}) and runs the resulting fixed-size model, so every layer
 * sees exactly the shapes Keras would give it.
 *
 * <p>{@link #check} refuses, on the driver, what no length could run: more than one open dimension in an input, and
 * layers that need the open size as a static one (a layer with weights reading a tensor whose last axis follows T,
 * as after Flatten; Reshape to a fixed target), which Keras itself cannot build either.
 */
public final class OpenDimensions {

    private OpenDimensions() {
    }

    /** Refuses an open-dimension model no row length could run, naming the input or layer and why. */
    public static void check(ModelSpec spec, Map<String, int[]> shapes) {
        for (InputSpec in : spec.inputs()) {
            if (openAxis(in.shape()) >= 0 && openCount(in.shape()) > 1) {
                throw new ModelException("model input '" + in.name() + "' has shape " + Shapes.format(in.shape())
                        + " with " + openCount(in.shape()) + " open dimensions; sparkscore reads one open (sequence)"
                        + " dimension per input from a row's array length, so declare the other dimensions");
            }
        }
        for (NodeSpec node : spec.nodes()) {
            LayerSpec layer = spec.layer(node.layerName());
            if (node.inputs().isEmpty()) {
                continue;
            }
            int[] x = shapes.get(node.inputs().get(0));
            if (x == null || Shapes.isFullyKnown(x)) {
                continue;
            }
            boolean readsFeatures = layer.paramCount() > 0 && !layer.className().equals("Embedding");
            if (readsFeatures && x.length > 0 && x[x.length - 1] < 0) {
                throw new UnsupportedLayerException(layer.name(), layer.className(), "reads a tensor of shape "
                        + Shapes.format(x) + " whose last axis follows the input sequence length (e.g. after"
                        + " Flatten), so its weights cannot fit every length; Keras cannot build it either: reduce"
                        + " the time axis first (GlobalAveragePooling1D, an RNN) or declare the sequence length");
            }
            if (layer.className().equals("Reshape") && !hasInferredAxis(layer)) {
                throw new UnsupportedLayerException(layer.name(), layer.className(), "reshapes a tensor of shape "
                        + Shapes.format(x) + ", whose size follows the input sequence length, into the fixed"
                        + " target_shape " + Shapes.format(layer.config().getShape("target_shape"))
                        + "; use -1 for the axis that follows the length, or declare the sequence length");
            }
        }
    }

    private static boolean hasInferredAxis(LayerSpec reshape) {
        for (int d : reshape.config().getShape("target_shape")) {
            if (d < 0) {
                return true;
            }
        }
        return false;
    }

    /** The open axis of a per-row shape, or -1 when it has none. */
    public static int openAxis(int[] shape) {
        for (int a = 0; a < shape.length; a++) {
            if (shape[a] < 0) {
                return a;
            }
        }
        return -1;
    }

    private static int openCount(int[] shape) {
        int n = 0;
        for (int d : shape) {
            n += d < 0 ? 1 : 0;
        }
        return n;
    }

    /**
     * The same model with input {@code i}'s open dimension fixed to {@code lengths[i]} (ignored for inputs without
     * one): what Keras builds when it is called on a batch of rows of those lengths.
     */
    public static ModelSpec withLengths(ModelSpec spec, int[] lengths) {
        List<InputSpec> inputs = new ArrayList<>();
        for (int i = 0; i < spec.inputs().size(); i++) {
            InputSpec in = spec.inputs().get(i);
            int axis = openAxis(in.shape());
            if (axis < 0) {
                inputs.add(in);
                continue;
            }
            int[] shape = in.shape().clone();
            shape[axis] = lengths[i];
            inputs.add(new InputSpec(in.name(), shape, in.dtype()));
        }
        return new ModelSpec(spec.name(), spec.sourceFormat(), spec.kerasVersion(), inputs, spec.layers(),
                spec.nodes(), spec.outputs(), spec.artifacts());
    }

    /**
     * The shortest sequence length, tried up to {@code limit}, at which every layer's shape rule accepts the model
     * with all open dimensions fixed to it and no tensor is left empty (a {@code valid} convolution or pooling needs
     * its window: shorter rows would reduce over nothing); {@code limit + 1} when none does.
     */
    public static int minimumLength(ModelSpec spec, int limit) {
        int[] lengths = new int[spec.inputs().size()];
        for (int t = 1; t <= limit; t++) {
            java.util.Arrays.fill(lengths, t);
            try {
                if (ShapeInference.infer(withLengths(spec, lengths)).values().stream()
                        .allMatch(shape -> java.util.Arrays.stream(shape).allMatch(d -> d > 0))) {
                    return t;
                }
            } catch (ModelException e) {
                // too short for some window: try a longer one
            }
        }
        return limit + 1;
    }
}
