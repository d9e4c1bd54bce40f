package io.sparkscore.calibration;

import io.sparkscore.runtime.PredictionPath;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Decides whether a path whose model is expensive to build (TensorFlow: its native runtime and graph) is worth
 * building at all. Once a cheaper path is measured, the job's scoring time on it is predicted; even a path with free
 * kernels still pays for moving rows into its buffers and back, so it can save at most the predicted time minus that
 * conversion time. When that is less than building its model would cost, the path cannot win, and is skipped. What
 * building costs is what it took when this JVM last built the model (a model calibration released before), else
 * {@link #TF_BUILD_ESTIMATE_MILLIS}. A model already built in this JVM costs nothing and is always measured, and so is
 * every path when the job's size is unknown.
 */
final class PathCostGate {

    /**
     * What building a TensorFlow model costs when none is cached: its first session in a JVM loads the native
     * runtime (measured 1.5-4 s on 2 cores), later ones build a graph. A low estimate, so that a path is only
     * skipped when it clearly cannot pay.
     */
    static final long TF_BUILD_ESTIMATE_MILLIS = 1_000;

    private final CalibrationSettings settings;
    private final CalibrationBudget budget;

    PathCostGate(CalibrationSettings settings, CalibrationBudget budget) {
        this.settings = settings;
        this.budget = budget;
    }

    /**
     * Why {@code path} is not worth building, or empty when it is.
     *
     * @param conversionNanosPerRow what the rows' conversion alone costs per row (the floor of any path's cost)
     * @param measuredBuildMillis   what building the model took when this JVM last built it, if it did
     */
    Optional<String> reasonToSkip(PredictionPath path, boolean alreadyBuilt, List<Measurement> measured,
                                  double conversionNanosPerRow, OptionalLong measuredBuildMillis) {
        if (path != PredictionPath.TF || alreadyBuilt || measured.isEmpty() || settings.expectedRows() <= 0) {
            return Optional.empty();
        }
        double predicted = budget.predictedScoringMillis(CalibrationBudget.best(measured));
        double floor = settings.expectedRows() / (double) settings.slots() * conversionNanosPerRow / 1e6;
        double canSave = Math.max(0, predicted - floor);
        long buildMillis = measuredBuildMillis.orElse(TF_BUILD_ESTIMATE_MILLIS);
        if (canSave >= buildMillis) {
            return Optional.empty();
        }
        String cost = measuredBuildMillis.isPresent()
                ? String.format(Locale.ROOT, "%d ms, measured when this executor last built it", buildMillis)
                : String.format(Locale.ROOT, "about %d ms", buildMillis);
        return Optional.of(String.format(Locale.ROOT, "not built: even with free kernels it could save at most %.0f ms"
                        + " of the %.0f ms the best plan so far predicts for %,d rows on %d task slot(s), less than"
                        + " building its model costs (%s)", canSave, predicted, settings.expectedRows(),
                settings.slots(), cost));
    }
}
