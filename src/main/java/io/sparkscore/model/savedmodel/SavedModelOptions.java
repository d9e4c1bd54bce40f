package io.sparkscore.model.savedmodel;

import java.io.Serializable;
import java.util.List;

/**
 * Which part of a TensorFlow SavedModel to score: the MetaGraphDef whose tag set equals {@code tags} and, in it, the
 * SignatureDef {@code signature}. Ignored for Keras files. Immutable.
 */
public record SavedModelOptions(String signature, List<String> tags) implements Serializable {

    public static final String DEFAULT_SIGNATURE = "serving_default";
    /** The tag {@code tf.saved_model.save} gives the serving MetaGraphDef. */
    public static final String DEFAULT_TAG = "serve";
    public static final List<String> DEFAULT_TAGS = List.of(DEFAULT_TAG);
    public static final SavedModelOptions DEFAULTS = new SavedModelOptions(DEFAULT_SIGNATURE, DEFAULT_TAGS);

    public SavedModelOptions {
        if (signature == null || signature.isBlank()) {
            throw new IllegalArgumentException("a SavedModel signature key must not be empty (the usual one is "
                    + DEFAULT_SIGNATURE + ")");
        }
        if (tags == null || tags.isEmpty()) {
            throw new IllegalArgumentException("a SavedModel needs at least one tag to pick a MetaGraphDef (the usual"
                    + " one is " + DEFAULT_TAG + ")");
        }
        tags = List.copyOf(tags);
    }
}
