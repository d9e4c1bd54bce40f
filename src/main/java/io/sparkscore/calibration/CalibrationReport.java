package io.sparkscore.calibration;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What calibration measured and chose: every candidate's measurement, the chosen plan, how far the measured paths'
 * outputs were apart on the same rows, paths left out because they cannot run the model and candidates calibration
 * did not measure (each with why), where it ran and what it cost.
 *
 * @param durationMillis    the calibration run's wall time, model builds and the parity check included
 * @param chosenBuildMillis of that, the time building the chosen plan's model, which scoring on that executor then
 *                          reuses instead of building it (0 when the model was built before calibration)
 */
public record CalibrationReport(List<Measurement> measurements, Plan chosen, double maxAbsDifference,
                                Map<String, String> excludedPaths, Map<String, String> skippedCandidates,
                                int sampleRows, long durationMillis, long chosenBuildMillis,
                                String ranOn) implements Serializable {

    public CalibrationReport {
        measurements = List.copyOf(measurements);
        excludedPaths = Map.copyOf(excludedPaths);
        skippedCandidates = Collections.unmodifiableMap(new LinkedHashMap<>(skippedCandidates));
    }

    /** The time calibration added to a job: its wall time less the chosen model's build, which scoring needs anyway. */
    public long addedMillis() {
        return durationMillis - chosenBuildMillis;
    }

    /** How many distinct paths were measured (parity between paths is only checked with two or more). */
    public long pathsMeasured() {
        return measurements.stream().map(Measurement::path).distinct().count();
    }
}
