package io.sparkscore.calibration;

/**
 * Owns a batch's buffers and moves sampled rows into the input buffers and the predictions back out, with the same
 * code scoring uses, so that calibration times the whole per-batch cost (rows → buffers → predict → rows) and not
 * just the kernel. Not thread-safe.
 */
public interface BatchCodec {

    /** How many distinct sampled rows there are; batches larger than this cycle through them. */
    int rows();

    /** Sizes the buffers for batches of up to {@code capacity} rows; previous buffers may be dropped. */
    void reserve(int capacity);

    /** The input buffers, one per model input, as the predictor reads them. */
    float[][] inputs();

    /**
     * Where each row of an open (sequence) input starts in its buffer ({@link io.sparkscore.runtime.Predictor}), or
     * null when every input has a fixed size.
     */
    default int[][] rowStarts() {
        return null;
    }

    /** The output buffers, one per model output, as the predictor fills them. */
    float[][] outputs();

    /** Maps {@code batchRows} sampled rows, starting at {@code offset} (cycling), into the input buffers. */
    void encode(int batchRows, int offset);

    /** Turns the first {@code batchRows} rows of predictions into output records, as scoring does. */
    void decode(int batchRows);
}
