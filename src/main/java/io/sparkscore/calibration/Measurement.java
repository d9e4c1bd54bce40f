package io.sparkscore.calibration;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.sparkscore.runtime.PredictionPath;

import java.io.Serializable;

/**
 * The measured throughput of one candidate plan on real sampled rows, warm-up excluded. Times include copying rows
 * into the batch buffers and reading the outputs back, as scoring does. The throughput is the median timed round's
 * ({@code batchSize / p50BatchMillis}): on a shared machine a few rounds are stretched by other processes or the GC,
 * which says nothing about the plan, and would let the luck of one time slice decide between plans. The mean over
 * all rounds ({@link #msPerBatch()}, {@link #meanRowsPerSecond()}) is what a job on this machine sees now, with the
 * other processes' share taken out, so predictions of the job's time use it.
 */
public record Measurement(PredictionPath path, int batchSize, int threads, long batches, long rows, double seconds,
                          double p50BatchMillis, double p95BatchMillis) implements Serializable {

    public Measurement {
        if (!(p50BatchMillis > 0) || Double.isInfinite(p50BatchMillis)) {
            throw new IllegalArgumentException("the median batch time must be a positive number of milliseconds, got "
                    + p50BatchMillis);
        }
        if (!(seconds > 0) || batches < 1) {
            throw new IllegalArgumentException("a measurement needs at least one timed batch and a positive time, got "
                    + batches + " batches in " + seconds + " s");
        }
    }

    @JsonProperty("rowsPerSecond")
    public double rowsPerSecond() {
        return batchSize * 1000.0 / p50BatchMillis;
    }

    @JsonProperty("meanRowsPerSecond")
    public double meanRowsPerSecond() {
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
