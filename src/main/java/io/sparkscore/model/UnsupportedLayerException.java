package io.sparkscore.model;

/**
 * A layer, activation or option that sparkscore cannot score exactly as Keras would. Raised at load time on the
 * driver, so that a model is refused before any row is scored instead of being scored wrongly.
 */
public class UnsupportedLayerException extends ModelException {

    private final String layerName;
    private final String layerClass;

    public UnsupportedLayerException(String layerName, String layerClass, String problem) {
        super("layer '" + layerName + "' (" + layerClass + "): " + problem);
        this.layerName = layerName;
        this.layerClass = layerClass;
    }

    public String layerName() {
        return layerName;
    }

    public String layerClass() {
        return layerClass;
    }
}
