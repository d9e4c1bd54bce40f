package io.sparkscore.model.layers;

import io.sparkscore.model.LayerSpec;

/**
 * The option of Masking: steps (positions of every axis but the last) whose features all equal {@code mask_value}
 * (default 0) are zeroed and masked for the layers after it.
 */
public record MaskingOptions(double maskValue) implements LayerOptions {

    public static MaskingOptions of(LayerSpec layer) {
        return new MaskingOptions(layer.config().getDouble("mask_value", 0));
    }
}
