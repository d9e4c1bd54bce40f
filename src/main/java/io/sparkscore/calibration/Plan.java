package io.sparkscore.calibration;

import io.sparkscore.runtime.PredictionPath;

import java.io.Serializable;

/** How to score: which prediction path, how many rows per call, and how many threads one TensorFlow call may use. */
public record Plan(PredictionPath path, int batchSize, int intraOpThreads) implements Serializable {

    public Plan {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be at least 1, got " + intraOpThreads);
        }
    }

    @Override
    public String toString() {
        return "path=" + path.id() + " batch=" + batchSize + " threads=" + intraOpThreads;
    }
}
