package io.sparkscore.calibration;

import io.sparkscore.runtime.PredictionPath;

import java.io.Serializable;

/**
 * The measured throughput of one candidate plan on real sampled rows, warm-up excluded. Times include copying rows
 * into the batch buffers and reading the outputs back, as scoring does.
 */
public record Measurement(PredictionPath path, int batchSize, int threads, long batches, long rows, double seconds,
                          double p50BatchMillis, double p95BatchMillis) implements Serializable {

    public double rowsPerSecond() {
        return rows / seconds;
    }

    public double msPerBatch() {
        return seconds * 1000.0 / batches;
    }

    public Plan plan() {
        return new Plan(path, batchSize, threads);
    }
}
