package io.sparkscore.model.layers;

/** The groups the layer table of the README and {@code inspect} list layers in, in that order. */
public enum LayerFamily {
    CORE("Core"),
    RESHAPING("Reshaping"),
    CONVOLUTION("Convolution"),
    POOLING("Pooling"),
    PADDING_AND_RESIZING("Padding, cropping and resizing"),
    NORMALIZATION("Normalization"),
    PREPROCESSING("Preprocessing"),
    EMBEDDING_AND_MASKING("Embedding and masking"),
    RECURRENT("Recurrent"),
    WRAPPER("Wrappers"),
    MERGE("Merging"),
    ATTENTION("Attention"),
    OPERATIONS("TensorFlow operations (tf.keras 2)"),
    KERAS_OPERATIONS("Keras 3 operations (keras.ops)"),
    ACTIVATION("Activation layers");

    private final String title;

    LayerFamily(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }
}
