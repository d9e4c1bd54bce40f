package io.sparkscore.runtime.tf;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.runtime.ModelSignature;

/** A tf-path model that runs one batch per call; what a {@link TfPredictor} drives. Implementations are thread-safe. */
interface BatchRunner {

    ModelSpec spec();

    ModelSignature signature();

    /** Scores {@code rows} rows from the flat input buffers into the flat output buffers, one session run. */
    void run(float[][] in, int rows, float[][] out);
}
