package io.sparkscore.calibration;

import io.sparkscore.runtime.LoadedModel;

/**
 * Where the {@link Calibrator}'s numbers come from: {@link TimedMeter} times real predictor calls; the decision tests
 * inject scripted measurements (with a matching clock) so that they assert what the calibrator decides from given
 * data instead of timing real code.
 */
public interface CandidateMeter {

    /** One measurement and how sure it is. */
    record Timing(Measurement measurement, double relativeHalfWidth) {

        /** The median round's rate, which a ladder climbs on ({@link Measurement#medianRowsPerSecond()}). */
        double medianRowsPerSecond() {
            return measurement.medianRowsPerSecond();
        }
    }

    /**
     * Untimed calls of {@code model} at {@code batch} rows until the JIT has compiled what they run (at least one
     * call), for at most about {@code maxNanos}.
     */
    void warmUp(LoadedModel model, int batch, long maxNanos);

    /** Times calls of {@code model} at {@code batch} rows for about {@code sliceNanos}, after a short warm-up. */
    Timing measure(LoadedModel model, int batch, int threads, long sliceNanos);

    /**
     * A confirmation round's measurement: as {@link #measure}, but one timed call may do where a call outlasts the
     * slice (the median over the rounds, not each round, has to stand against a slow call), so that a round of a
     * leader whose calls take long costs two calls rather than four.
     */
    Timing remeasure(LoadedModel model, int batch, int threads, long sliceNanos);

    /** What moving one row into the batch buffers and its predictions back out costs alone, without predicting. */
    double conversionNanosPerRow(int batch);
}
