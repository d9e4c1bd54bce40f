package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

import java.util.List;
import java.util.Locale;

/**
 * Shared rules of spatial layers (convolution, pooling, padding): data formats and Keras' tuple options. TensorFlow's
 * CPU kernels want channels last, so channels_first tensors are transposed in and back out.
 */
final class Spatial {

    private Spatial() {
    }

    /** Moves channels from axis 1 to the end; identity for channels_last. */
    static Operand<TFloat32> toChannelsLast(TfOps ops, Operand<TFloat32> x, boolean channelsFirst) {
        int rank = TfOps.rank(x);
        if (!channelsFirst || rank < 3) {
            return x;
        }
        int[] perm = new int[rank];
        for (int i = 1; i < rank - 1; i++) {
            perm[i] = i + 1;
        }
        perm[rank - 1] = 1;
        return ops.transpose(x, perm);
    }

    /** Moves channels from the end back to axis 1; identity for channels_last. */
    static Operand<TFloat32> fromChannelsLast(TfOps ops, Operand<TFloat32> x, boolean channelsFirst) {
        int rank = TfOps.rank(x);
        if (!channelsFirst || rank < 3) {
            return x;
        }
        int[] perm = new int[rank];
        perm[1] = rank - 1;
        for (int i = 2; i < rank; i++) {
            perm[i] = i - 1;
        }
        return ops.transpose(x, perm);
    }

    /** Keras' padding option, lower-cased and checked against what the layer accepts. */
    static String padding(LayerSpec layer, String... allowed) {
        String p = layer.config().getString("padding", "valid").toLowerCase(Locale.ROOT);
        if (!List.of(allowed).contains(p)) {
            throw layer.config().unsupported("padding '" + p + "' is not supported; expected one of "
                    + List.of(allowed));
        }
        return p;
    }

    /**
     * A per-spatial-axis (before, after) option such as ZeroPadding2D's {@code padding} or Cropping2D's
     * {@code cropping}: an int (same everywhere), a list of {@code rank} ints (symmetric per axis), or, for rank 1,
     * a (before, after) pair, or a list of {@code rank} pairs.
     */
    static int[][] pairs(LayerConfig config, String key, int rank, int defaultValue) {
        Object v = config.raw(key);
        int[][] r = new int[rank][2];
        if (v == null) {
            for (int[] p : r) {
                p[0] = defaultValue;
                p[1] = defaultValue;
            }
            return r;
        }
        if (v instanceof Number) {
            int n = config.getInt(key, 0);
            for (int[] p : r) {
                p[0] = n;
                p[1] = n;
            }
            return r;
        }
        if (!(v instanceof List<?> list)) {
            throw config.unsupported("'" + key + "' should be an integer or a list but is " + v);
        }
        if (rank == 1 && list.size() == 2 && list.get(0) instanceof Number a && list.get(1) instanceof Number b) {
            r[0][0] = a.intValue();
            r[0][1] = b.intValue();
            return r;
        }
        if (list.size() != rank) {
            throw config.unsupported("'" + key + "' should have " + rank + " entries but is " + v);
        }
        for (int i = 0; i < rank; i++) {
            Object e = list.get(i);
            if (e instanceof Number n) {
                r[i][0] = n.intValue();
                r[i][1] = n.intValue();
            } else if (e instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof Number a
                    && pair.get(1) instanceof Number b) {
                r[i][0] = a.intValue();
                r[i][1] = b.intValue();
            } else {
                throw config.unsupported("'" + key + "' entry " + e + " should be an integer or a pair");
            }
        }
        return r;
    }
}
