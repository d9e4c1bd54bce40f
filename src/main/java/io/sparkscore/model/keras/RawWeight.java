package io.sparkscore.model.keras;

import io.sparkscore.model.Tensor;

/**
 * One weight array as stored in a file, before it gets its canonical name: the file's own name for it (a legacy
 * {@code dense_1/kernel:0} or a Keras 3 position such as {@code 0}) and its values as float32.
 */
record RawWeight(String storedName, int[] shape, float[] data) {

    /** The stored name without scopes and the {@code :0} suffix: {@code dense_1/kernel:0 -> kernel}. */
    String baseName() {
        String n = storedName;
        int colon = n.lastIndexOf(':');
        if (colon > 0) {
            n = n.substring(0, colon);
        }
        return n.substring(n.lastIndexOf('/') + 1);
    }

    Tensor toTensor(String canonicalName) {
        return new Tensor(canonicalName, shape, data);
    }
}
