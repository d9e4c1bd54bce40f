package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.UnsupportedLayerException;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The layer classes the tf path builds, by Keras class name. */
final class TfLayers {

    private static final Map<String, TfLayerBuilder> BUILDERS = builders();

    private TfLayers() {
    }

    private static Map<String, TfLayerBuilder> builders() {
        Map<String, TfLayerBuilder> m = new TreeMap<>();
        TfLayerBuilder identity = new CoreLayers.Identity();
        for (String c : new String[] {"InputLayer", "Dropout", "SpatialDropout1D", "SpatialDropout2D",
                "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization"}) {
            m.put(c, identity);
        }
        m.put("Dense", new CoreLayers.Dense());
        m.put("Activation", new CoreLayers.ActivationLayer());
        m.put("Flatten", new ReshapingLayers.Flatten());
        m.put("Reshape", new ReshapingLayers.Reshape());
        m.put("Permute", new ReshapingLayers.Permute());
        m.put("RepeatVector", new ReshapingLayers.RepeatVector());
        return m;
    }

    static Optional<TfLayerBuilder> find(String className) {
        return Optional.ofNullable(BUILDERS.get(className));
    }

    /** The builder for a layer, after checking its options; throws naming the layer, its class and the problem. */
    static TfLayerBuilder validated(LayerSpec layer) {
        TfLayerBuilder builder = BUILDERS.get(layer.className());
        if (builder == null) {
            throw new UnsupportedLayerException(layer.name(), layer.className(), "layer class '"
                    + layer.className() + "' is not supported on the tf path; supported classes: "
                    + String.join(", ", BUILDERS.keySet()));
        }
        builder.validate(layer);
        return builder;
    }
}
