package io.sparkscore.model.savedmodel;

/**
 * Names the layer class and config keys of the pseudo-layers that stand for a SavedModel's signature outputs in a
 * {@link io.sparkscore.model.ModelSpec}: one layer per output, applied to every model input.
 */
public final class SavedModelOutput {

    /** The layer class name; only the tf path runs it. */
    public static final String CLASS_NAME = "SavedModelOutput";
    /** The signature output key this layer produces. */
    public static final String OUTPUT = "output";
    /** The output's per-row shape (batch dimension excluded), a list of integers. */
    public static final String SHAPE = "shape";
    /** The output's dtype name, e.g. {@code float32}. */
    public static final String DTYPE = "dtype";
    public static final String SIGNATURE = "signature";
    public static final String TAGS = "tags";
    /** The signature input keys, in model input order. */
    public static final String INPUT_KEYS = "input_keys";
    /** The dtype name of each signature input, in model input order. */
    public static final String INPUT_DTYPES = "input_dtypes";
    /** The artifact holding the zipped SavedModel directory. */
    public static final String ARTIFACT = "saved_model.zip";

    private SavedModelOutput() {
    }
}
