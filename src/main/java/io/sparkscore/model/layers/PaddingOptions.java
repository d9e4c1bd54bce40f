package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Shapes;

import java.util.Arrays;
import java.util.List;

/**
 * The options of ZeroPadding1D/2D/3D and Cropping1D/2D/3D: the before/after amount per spatial axis, from any of
 * Keras' spellings ({@code 1}, {@code [1, 2]} — 1D: before/after, 2D/3D: symmetric per axis — or
 * {@code [[1, 2], [3, 4]]}), with Keras' defaults when the key is absent: ZeroPadding pads 1 everywhere, Cropping1D
 * and Cropping3D crop 1 on each side, Cropping2D crops nothing.
 *
 * @param amounts {@code amounts[axis] = {before, after}}
 */
public record PaddingOptions(int rank, boolean cropping, int[][] amounts, boolean channelsFirst)
        implements LayerOptions {

    /** Parses a ZeroPadding or Cropping layer's config; the rank comes from the class name. */
    public static PaddingOptions of(LayerSpec layer) {
        LayerConfig c = layer.config();
        String cls = layer.className();
        int rank = SpatialAxes.rank(cls);
        boolean cropping = cls.startsWith("Cropping");
        String key = cropping ? "cropping" : "padding";
        int defaultAmount = cropping && rank == 2 ? 0 : 1;
        return new PaddingOptions(rank, cropping, amounts(c, key, rank, defaultAmount), SpatialAxes.channelsFirst(c));
    }

    private static int[][] amounts(LayerConfig c, String key, int rank, int defaultAmount) {
        Object raw = c.raw(key);
        int[][] r = new int[rank][2];
        if (raw == null || raw instanceof Number) {
            int v = raw == null ? defaultAmount : c.getInt(key, 0);
            for (int[] pair : r) {
                Arrays.fill(pair, v);
            }
            return checked(c, key, r);
        }
        if (!(raw instanceof List<?> list)) {
            throw c.unsupported("config '" + key + "' should be a number or a list but is " + raw);
        }
        if (rank == 1 && list.size() == 2 && list.get(0) instanceof Number a && list.get(1) instanceof Number b) {
            r[0][0] = a.intValue();
            r[0][1] = b.intValue();
            return checked(c, key, r);
        }
        if (list.size() != rank) {
            throw c.unsupported("config '" + key + "' should have " + rank + " entries but is " + raw);
        }
        for (int i = 0; i < rank; i++) {
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
        return checked(c, key, r);
    }

    private static int[][] checked(LayerConfig c, String key, int[][] r) {
        for (int[] pair : r) {
            if (pair[0] < 0 || pair[1] < 0) {
                throw c.unsupported("config '" + key + "' has a negative amount " + Arrays.toString(pair));
            }
        }
        return r;
    }

    /** The output shape: each spatial axis grows (padding) or shrinks (cropping) by its two amounts. */
    int[] outputShape(LayerSpec layer, int[] x) {
        LayerConfig c = layer.config();
        SpatialAxes.requireRank(layer, x, rank);
        int spatial0 = channelsFirst ? 1 : 0;
        int[] r = x.clone();
        for (int i = 0; i < rank; i++) {
            int d = x[spatial0 + i];
            int change = amounts[i][0] + amounts[i][1];
            r[spatial0 + i] = d < 0 ? Shapes.UNKNOWN : cropping ? d - change : d + change;
            if (r[spatial0 + i] <= 0 && d >= 0) {
                throw c.unsupported("cropping " + Arrays.toString(amounts[i]) + " leaves nothing of a dimension of "
                        + d);
            }
        }
        return r;
    }
}
