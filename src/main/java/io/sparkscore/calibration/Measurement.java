package io.sparkscore.calibration;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.sparkscore.runtime.PredictionPath;

import java.io.Serializable;

/**
 * The measured throughput of one candidate plan on real sampled rows, warm-up excluded. Times include copying rows
 * into the batch buffers and reading the outputs back, as scoring does.
 */
public record Measurement(PredictionPath path, int batchSize, int threads, long batches, long rows, double seconds,
                          double p50BatchMillis, double p95BatchMillis) implements Serializable {

    @JsonProperty("rowsPerSecond")
    public double rowsPerSecond() {
        return rows / seconds;
    }

    @JsonProperty("msPerBatch")
    public double msPerBatch() {
        return seconds * 1000.0 / batches;
    }

    @JsonIgnore
    public Plan plan() {
        return new Plan(path, batchSize, threads);
    }
}
