package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.ShapeInference;

import java.util.Arrays;
import java.util.List;

/** An {@code axis} option given as one Keras axis or a list of them (counting the batch axis as 0). */
final class AxisList {

    private AxisList() {
    }

    /** The Keras axes of {@code key}, or {@code defaultAxis} alone when the key is absent. */
    static int[] parse(LayerConfig c, String key, int defaultAxis) {
        Object raw = c.raw(key);
        if (raw == null) {
            return new int[] {defaultAxis};
        }
        if (raw instanceof Number) {
            return new int[] {c.getInt(key, defaultAxis)};
        }
        if (raw instanceof List<?>) {
            return c.getInts(key, 0, null);
        }
        throw c.unsupported("'" + key + "' = " + raw + " should be an integer or a list of integers");
    }

    /** The per-row indices of Keras axes in a row of rank {@code rowRank}, sorted; the batch axis is refused. */
    static int[] rowAxes(LayerConfig c, String key, int[] kerasAxes, int rowRank) {
        int[] r = new int[kerasAxes.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = ShapeInference.rowAxis(c, key, kerasAxes[i], rowRank);
        }
        Arrays.sort(r);
        return r;
    }
}
