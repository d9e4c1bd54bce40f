package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.categorical.CategoricalOutputMode;
import io.sparkscore.model.layers.HashedCrossingOptions;

import java.util.Arrays;

/** Keras' HashedCrossing on the jvm path: each row's bin ({@link HashedCrossingOptions#bin}), as int or one-hot. */
final class HashedCrossingLayer implements JvmLayer {

    private final HashedCrossingOptions options;
    private final int inputs;

    HashedCrossingLayer(LayerSpec layer, int inputs) {
        this.options = HashedCrossingOptions.of(layer);
        this.inputs = inputs;
    }

    @Override
    public void forward(float[][] in, int rows, float[] output, float[] scratch, int scratchOffset) {
        boolean oneHot = options.mode() == CategoricalOutputMode.ONE_HOT;
        int bins = options.numBins();
        if (oneHot) {
            Arrays.fill(output, 0, rows * bins, 0f);
        }
        for (int r = 0; r < rows; r++) {
            long hash = HashedCrossingOptions.DEFAULT_HASH_KEY;
            for (int i = 0; i < inputs; i++) {
                hash = HashedCrossingOptions.cross(hash, in[i][r]);
            }
            long bin = options.bin(hash);
            if (oneHot) {
                output[r * bins + (int) bin] = 1f;
            } else {
                output[r] = bin;
            }
        }
    }
}
