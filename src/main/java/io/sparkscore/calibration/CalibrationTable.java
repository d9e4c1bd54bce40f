package io.sparkscore.calibration;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a {@link CalibrationReport} as the plain-text table sparkscore prints and logs. */
public final class CalibrationTable {

    private CalibrationTable() {
    }

    public static String render(CalibrationReport report) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Calibration on %s: %d sampled rows, %d candidates measured, %d ms%s,"
                        + " %s%n",
                report.ranOn(), report.sampleRows(), report.measurements().size(), report.durationMillis(),
                report.chosenBuildMillis() == 0 ? "" : String.format(Locale.ROOT, " (%d ms of it building the chosen"
                        + " model)", report.chosenBuildMillis()),
                report.pathsMeasured() > 1 ? String.format(Locale.ROOT, "paths agree to %.2e",
                        report.maxAbsDifference()) : "one path measured"));
        for (Map.Entry<String, String> e : report.excludedPaths().entrySet()) {
            b.append("  path ").append(e.getKey()).append(" not considered: ").append(e.getValue()).append('\n');
        }
        for (Map.Entry<String, String> e : report.skippedCandidates().entrySet()) {
            b.append("  ").append(e.getKey()).append(" skipped: ").append(e.getValue()).append('\n');
        }
        b.append(String.format(Locale.ROOT, "  %-4s %7s %7s %14s %11s %9s %9s  %s%n",
                "path", "batch", "threads", "rows/s", "ms/batch", "p50 ms", "p95 ms", "chosen"));
        List<Measurement> rows = report.measurements().stream()
                .sorted(Comparator.comparing(Measurement::path).thenComparingInt(Measurement::threads)
                        .thenComparingInt(Measurement::batchSize))
                .toList();
        for (Measurement m : rows) {
            boolean chosen = m.plan().equals(report.chosen());
            b.append(String.format(Locale.ROOT, "  %-4s %7d %7d %14.0f %11.4f %9.4f %9.4f  %s%n",
                    m.path().id(), m.batchSize(), m.threads(), m.rowsPerSecond(), m.msPerBatch(),
                    m.p50BatchMillis(), m.p95BatchMillis(), chosen ? "\u2713" : ""));
        }
        b.append("  chosen plan: ").append(report.chosen()).append('\n');
        return b.toString();
    }
}
