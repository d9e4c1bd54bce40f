package io.sparkscore.model.categorical;

import java.io.Serializable;

/**
 * Turns one categorical input value into the index its model input's first layer (StringLookup, IntegerLookup or
 * Hashing) computes, as a float32 that the prediction paths carry exactly (indices stay below 2^24). Built once on
 * the driver, shipped with the feature mapping, shared by every batch of an executor: immutable and thread-safe.
 */
public interface CategoryEncoder extends Serializable {

    /** The kind of value the encoder takes. */
    ValueKind takes();

    /** The index of a string value (compared and hashed as its UTF-8 bytes, exactly: no trimming, case kept). */
    float encode(String value);

    /** The index of an integer value. */
    float encode(long value);

    /**
     * The only values the encoder takes, when it has no index for any other (a lookup with
     * {@code num_oov_indices=0}): rows with other values are bad rows, checked before scoring. Null otherwise.
     */
    default java.util.Set<Object> closed() {
        return null;
    }

    /** What a categorical model input reads from its column. */
    enum ValueKind {
        STRING, INTEGER
    }
}
