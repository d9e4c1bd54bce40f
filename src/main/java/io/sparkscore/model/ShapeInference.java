package io.sparkscore.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes every tensor's per-row shape (batch dimension excluded) the way Keras' {@code compute_output_shape} does.
 * Both prediction paths and {@code inspect} rely on it, so a layer's shape rule lives here once.
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
            shapes.put(node.id(), outputShape(spec.layer(node.layerName()), in));
        }
        return shapes;
    }

    /** The output shape of one layer applied to inputs of the given shapes. */
    public static int[] outputShape(LayerSpec layer, List<int[]> inputs) {
        int[] x = inputs.get(0);
        LayerConfig c = layer.config();
        switch (layer.className()) {
            case "InputLayer", "Activation", "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
                    "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization" -> {
                return x.clone();
            }
            case "Dense" -> {
                int[] r = x.clone();
                r[r.length - 1] = c.requireInt("units");
                return r;
            }
            case "Flatten" -> {
                return new int[] {Math.toIntExact(Shapes.size(x))};
            }
            default -> throw layer.config().unsupported("no shape rule for layer class '" + layer.className() + "'");
        }
    }
}
