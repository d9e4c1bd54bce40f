package io.sparkscore.calibration;

import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.PredictionPath;

import java.util.OptionalLong;

/**
 * Hands calibration a loaded model for a path and thread count. On executors this is the per-JVM model cache, so the
 * model calibration chooses is the one scoring then reuses. Calibration does not close what it is given; it says
 * which models it no longer needs ({@link #release}).
 */
@FunctionalInterface
public interface ModelProvider {

    LoadedModel get(PredictionPath path, int intraOpThreads);

    /** Whether {@link #get} would return an existing model rather than build one (then measuring it is free). */
    default boolean holds(PredictionPath path, int intraOpThreads) {
        return false;
    }

    /**
     * How long building this model took when this JVM last built it (it may since have been released), so that a
     * rebuild is weighed by its real cost; empty when it was never built here.
     */
    default OptionalLong buildMillis(PredictionPath path, int intraOpThreads) {
        return OptionalLong.empty();
    }

    /**
     * Calibration built this model and did not choose it: a caching provider drops and closes it. A provider whose
     * caller owns the models (tests, benchmarks) keeps them.
     */
    default void release(PredictionPath path, int intraOpThreads) {
    }
}
