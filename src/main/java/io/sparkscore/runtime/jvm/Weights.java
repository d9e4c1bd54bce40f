package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Shapes;
import io.sparkscore.model.Tensor;
import io.sparkscore.model.UnsupportedLayerException;

import java.util.Arrays;

/** Fetches a layer's weight and checks its shape against what the layer's config and input imply. */
final class Weights {

    private Weights() {
    }

    /** The weight's values, after checking that its shape is exactly {@code expectedShape}. */
    static float[] require(LayerSpec layer, String name, int... expectedShape) {
        Tensor t = layer.weight(name);
        if (!Arrays.equals(t.shape(), expectedShape)) {
            throw new UnsupportedLayerException(layer.name(), layer.className(), "weight '" + name
                    + "' has shape " + Arrays.toString(t.shape()) + " but the config and input shape imply "
                    + Arrays.toString(expectedShape));
        }
        return t.data();
    }

    /** The weight's values, after checking only its element count (for weights Keras stores with extra unit axes). */
    static float[] requireSize(LayerSpec layer, String name, int expectedSize) {
        Tensor t = layer.weight(name);
        if (t.size() != expectedSize) {
            throw new UnsupportedLayerException(layer.name(), layer.className(), "weight '" + name
                    + "' has shape " + Arrays.toString(t.shape()) + " (" + t.size() + " values) but "
                    + expectedSize + " values are expected");
        }
        return t.data();
    }

    static int size(int[] shape) {
        return Math.toIntExact(Shapes.size(shape));
    }
}
