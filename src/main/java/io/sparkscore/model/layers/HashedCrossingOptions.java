package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Shapes;
import io.sparkscore.model.categorical.CategoricalOutputMode;
import io.sparkscore.model.categorical.Fingerprint64;
import io.sparkscore.model.categorical.HashingEncoder;

import java.util.Arrays;
import java.util.List;

/**
 * Keras' {@code HashedCrossing} (FeatureSpace's feature crosses): one integer value per row from each input, crossed
 * as {@code tf.sparse.cross_hashed} does, {@code FingerprintCat64} folded over the values from the key
 * {@code 0xDECAFCAFFE}, modulo {@code num_bins}; then {@code int} or {@code one_hot}. The inputs are indices (a
 * lookup's or Discretization's output) or integer inputs; crossing raw strings is not supported.
 */
public record HashedCrossingOptions(int numBins, CategoricalOutputMode mode) implements LayerOptions {

    /** The hash key {@code tf.sparse.cross_hashed} starts from when given none. */
    public static final long DEFAULT_HASH_KEY = 0xDECAFCAFFEL;

    public static HashedCrossingOptions of(LayerSpec layer, int kerasMajor) {
        return of(layer);
    }

    public static HashedCrossingOptions of(LayerSpec layer) {
        LayerConfig c = layer.config();
        CategoricalOutputMode mode = CategoricalOutputMode.of(c, "int");
        if (mode != CategoricalOutputMode.INT && mode != CategoricalOutputMode.ONE_HOT) {
            throw c.unsupported("output_mode must be int or one_hot");
        }
        return new HashedCrossingOptions(HashingEncoder.numBins(c), mode);
    }

    /** The running cross hash with one more value folded in (an integer, as the float a path holds it). */
    public static long cross(long hash, float value) {
        return Fingerprint64.cat(hash, (long) value);
    }

    /** The bin of a row's cross hash, started from {@link #DEFAULT_HASH_KEY}. */
    public long bin(long hash) {
        return Long.remainderUnsigned(hash, numBins);
    }

    static int[] outputShape(LayerSpec layer, List<int[]> inputs) {
        HashedCrossingOptions o = of(layer);
        if (inputs.size() < 2) {
            throw layer.config().unsupported("HashedCrossing needs at least two inputs but has " + inputs.size());
        }
        int[] first = inputs.get(0);
        for (int[] in : inputs) {
            if (!Arrays.equals(in, first) || Shapes.size(in) != 1 || in.length > 1) {
                throw layer.config().unsupported("HashedCrossing takes inputs of one value per row, all of the same"
                        + " shape (() or (1,)), but got " + inputs.stream().map(Shapes::format).toList());
            }
        }
        if (o.mode == CategoricalOutputMode.INT) {
            return first.clone();
        }
        return new int[] {o.numBins};
    }
}
