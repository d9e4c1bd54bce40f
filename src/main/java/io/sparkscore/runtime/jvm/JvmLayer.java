package io.sparkscore.runtime.jvm;

/**
 * One layer application rebuilt for the jvm path: reads flat row-major input buffers, writes a flat row-major output
 * buffer. Implementations are immutable after construction and shared by every predictor of a model (so by several
 * threads); anything a call needs to write besides its output goes into the caller's scratch array.
 */
interface JvmLayer {

    /** Floats of scratch one call with {@code rows} rows needs; the predictor sizes its scratch once from this. */
    default int scratchSize(int rows) {
        return 0;
    }

    /**
     * Runs the layer on the first {@code rows} rows of {@code inputs} (one buffer per node input) into
     * {@code output}, using {@code scratch} from {@code scratchOffset} on. Must not allocate.
     */
    void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset);
}
