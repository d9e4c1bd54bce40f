package io.sparkscore.model.layers;

import io.sparkscore.model.LayerSpec;

/**
 * Marker of a layer's typed options record: its config parsed once, with the defaults of the Keras version that
 * wrote the file, so that shape inference and both prediction paths read the same values.
 */
public interface LayerOptions {

    /** Parses a layer's config written by Keras {@code kerasMajor}; throws the config's {@code unsupported} error. */
    @FunctionalInterface
    interface Parser {
        LayerOptions parse(LayerSpec layer, int kerasMajor);
    }
}
