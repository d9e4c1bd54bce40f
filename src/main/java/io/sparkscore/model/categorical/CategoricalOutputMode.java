package io.sparkscore.model.categorical;

import io.sparkscore.model.LayerConfig;

/**
 * Keras' {@code output_mode} of the categorical preprocessing layers: what a layer makes of the indices it computes.
 * {@code one_hot} encodes each index, the others encode each sample (the last axis) as one vector of counts.
 */
public enum CategoricalOutputMode {
    /** The indices themselves. */
    INT,
    /** One vector per index with a 1 at the index. */
    ONE_HOT,
    /** One vector per sample with a 1 at every index present. */
    MULTI_HOT,
    /** One vector per sample counting each index. */
    COUNT,
    /** Counts multiplied by the layer's inverse document frequencies. */
    TF_IDF;

    /** The layer's mode, with Keras' older spellings ({@code binary}, {@code tf-idf}) read as the current ones. */
    public static CategoricalOutputMode of(LayerConfig c, String defaultMode) {
        String mode = c.getString("output_mode", defaultMode);
        return switch (mode) {
            case "int" -> INT;
            case "one_hot" -> ONE_HOT;
            case "multi_hot", "binary" -> MULTI_HOT;
            case "count" -> COUNT;
            case "tf_idf", "tf-idf" -> TF_IDF;
            default -> throw c.unsupported("output_mode='" + mode + "' is unknown (expected int, one_hot,"
                    + " multi_hot, count or tf_idf)");
        };
    }
}
