package io.sparkscore.runtime.jvm;

import io.sparkscore.model.Activation;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.UnsupportedLayerException;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides which layers the jvm path can run and builds the {@link JvmLayer} for one layer application. The support
 * check reads only the layer's class and config, so {@code inspect} can show it without input shapes.
 */
final class JvmLayers {

    private static final Set<String> IDENTITY = Set.of("InputLayer", "Dropout", "SpatialDropout1D",
            "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization",
            "Flatten", "Reshape");

    private static final Set<String> SUPPORTED = supported();

    private JvmLayers() {
    }

    private static Set<String> supported() {
        Set<String> s = new TreeSet<>(IDENTITY);
        s.addAll(Set.of("Dense", "Activation"));
        return s;
    }

    /** Empty when the jvm path can run the layer exactly as Keras does; otherwise why not. */
    static Optional<String> whyUnsupported(LayerSpec layer) {
        String cls = layer.className();
        if (!SUPPORTED.contains(cls)) {
            return Optional.of(cls + " is not supported on the jvm path (supported: " + String.join(", ", SUPPORTED)
                    + ")");
        }
        LayerConfig c = layer.config();
        if ("channels_first".equals(c.getString("data_format", "channels_last"))) {
            return Optional.of(cls + " with data_format=channels_first is not supported on the jvm path");
        }
        String activation = c.getString("activation", null);
        if (activation != null) {
            try {
                Activation.of(activation, layer.name(), cls);
            } catch (UnsupportedLayerException e) {
                return Optional.of(cls + " with activation '" + activation + "' is not supported on the jvm path");
            }
        }
        return Optional.empty();
    }

    /** Builds one application of {@code layer} to inputs of the given per-row shapes. */
    static JvmLayer create(LayerSpec layer, List<int[]> inShapes, int[] outShape) {
        Optional<String> why = whyUnsupported(layer);
        if (why.isPresent()) {
            throw new UnsupportedLayerException(layer.name(), layer.className(), why.get());
        }
        LayerConfig c = layer.config();
        int[] x = inShapes.get(0);
        String cls = layer.className();
        if (IDENTITY.contains(cls)) {
            return new CopyLayer(Weights.size(x));
        }
        return switch (cls) {
            case "Dense" -> new DenseLayer(layer, x);
            case "Activation" -> new ActivationLayer(activation(layer, "activation", "linear"), x);
            default -> throw new IllegalStateException("no builder for supported class " + cls);
        };
    }

    static Activation activation(LayerSpec layer, String key, String defaultName) {
        return Activation.of(layer.config().getString(key, defaultName), layer.name(), layer.className());
    }
}
