package io.sparkscore.calibration;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What calibration measured and chose: every candidate's measurement, the chosen plan, how far the paths' outputs
 * were apart on the same rows, paths left out (with why), where it ran and what it cost.
 */
public record CalibrationReport(List<Measurement> measurements, Plan chosen, double maxAbsDifference,
                                Map<String, String> excludedPaths, int sampleRows, long durationMillis,
                                String ranOn) implements Serializable {

    public CalibrationReport {
        measurements = List.copyOf(measurements);
        excludedPaths = Map.copyOf(excludedPaths);
    }
}
