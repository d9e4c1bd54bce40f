package io.sparkscore.calibration;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.sparkscore.runtime.PredictionPath;

import java.io.Serializable;

/**
 * The measured throughput of one candidate plan on real sampled rows, warm-up excluded. Times include copying rows
 * into the batch buffers and reading the outputs back, as scoring does. Its throughput ({@link #rowsPerSecond()}) is
 * what it delivered: its rows over its time, slow rounds included, as a job sees it; plans are judged on it (a
 * median over several measurements, {@link LeaderConfirmation}, is what stands against one unlucky slice). The
 * median round's rate ({@link #medianRowsPerSecond()}) is what a batch ladder climbs on: one round stretched by
 * another process or the GC must not end a climb. The two differ most for small batches on a shared machine, whose
 * calls swing with its load: their median would promise a job more than it gets.
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
        return rows / seconds;
    }

    @JsonProperty("medianRowsPerSecond")
    public double medianRowsPerSecond() {
        return batchSize * 1000.0 / p50BatchMillis;
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
