package io.sparkscore.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.sparkscore.calibration.CalibrationReport;
import io.sparkscore.calibration.Measurement;
import io.sparkscore.calibration.Plan;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one scoring run did, written next to the output as {@code _sparkscore_summary.json} and printed at the end.
 *
 * @param scoringInput what the scoring pass read: {@code column vectors}, {@code column batches},
 *                     {@code internal rows} or {@code external rows} (see {@code spark.sparkscore.rowFormat})
 */
public record RunSummary(Model model, String input, String output, PlanInfo plan, String scoringInput, Rows rows,
                         long durationMillis,
                         double scoringRowsPerSecond, List<ExecutorUsage> executors, String sparkAppId,
                         Map<String, String> versions) {

    /** The model scored, and how executors got it ({@code broadcast} or {@code shared-fs}). */
    public record Model(String path, String name, String hash, String format, String kerasVersion, long params,
                        String route) {
    }

    /**
     * The plan used and where it came from: {@code calibrated}, {@code stored} (reused) or {@code fixed}; with the
     * candidates calibration measured (fastest first) and those it skipped, with why (both empty for a fixed plan).
     * {@code calibrationMillis} is calibration's wall time; {@code chosenBuildMillis} the part of it that built the
     * chosen plan's model, which scoring reused (both 0 unless calibrated).
     */
    public record PlanInfo(String path, int batchSize, int intraOpThreads, String source, long calibrationMillis,
                           long chosenBuildMillis, List<Candidate> measured, Map<String, String> skipped) {

        /** The plan's section of the summary; {@code report} is null for a fixed plan. */
        static PlanInfo of(Plan plan, String source, CalibrationReport report) {
            List<Candidate> measured = report == null ? List.of() : report.measurements().stream()
                    .sorted(Comparator.comparingDouble(Measurement::rowsPerSecond).reversed())
                    .map(m -> new Candidate(m.path().id(), m.batchSize(), m.threads(), Math.round(m.rowsPerSecond())))
                    .toList();
            Map<String, String> skipped = new LinkedHashMap<>();
            if (report != null) {
                report.excludedPaths().forEach((path, why) -> skipped.put("path " + path, why));
                skipped.putAll(report.skippedCandidates());
            }
            boolean calibrated = source.equals("calibrated");
            return new PlanInfo(plan.path().id(), plan.batchSize(), plan.intraOpThreads(), source,
                    calibrated ? report.durationMillis() : 0, calibrated ? report.chosenBuildMillis() : 0, measured,
                    skipped);
        }
    }

    /** One measured candidate plan and its throughput on the sampled rows. */
    public record Candidate(String path, int batchSize, int threads, long rowsPerSecond) {
    }

    /** Row accounting: every input row is scored, quarantined or skipped, with bad rows counted by reason code. */
    public record Rows(long in, long scored, long quarantined, long skipped, Map<String, Long> badByReason) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Always {@code succeeded}: a run that failed after writing began leaves a {@link FailedRun} instead. */
    @JsonProperty(index = 0)
    public String status() {
        return "succeeded";
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("run summary is not serialisable", e);
        }
    }

    /** The human-readable block printed at the end of a run. */
    public String render() {
        StringBuilder b = new StringBuilder();
        b.append("sparkscore run summary\n");
        b.append(String.format(Locale.ROOT, "  model     %s (%s, keras %s, %,d params, hash %s, sent by %s)%n",
                model.path, model.format, model.kerasVersion, model.params, model.hash.substring(0, 12),
                model.route));
        b.append(String.format(Locale.ROOT, "  input     %s%n  output    %s%n", input, output));
        b.append(String.format(Locale.ROOT, "  plan      path=%s batch=%d threads=%d (%s%s)%n", plan.path,
                plan.batchSize, plan.intraOpThreads, plan.source,
                plan.source.equals("calibrated") ? calibration(plan) : ""));
        if (!plan.measured.isEmpty()) {
            b.append(String.format(Locale.ROOT, "            measured %d candidates, fastest %s%n",
                    plan.measured.size(),
                    plan.measured.stream().limit(3).map(c -> String.format(Locale.ROOT, "%s/%d/%d %,d rows/s",
                            c.path, c.batchSize, c.threads, c.rowsPerSecond)).toList()));
        }
        plan.skipped.forEach((candidate, why) -> b.append("            skipped ").append(candidate).append(": ")
                .append(why).append('\n'));
        b.append(String.format(Locale.ROOT, "  reads     %s%n", scoringInput));
        b.append(String.format(Locale.ROOT, "  rows      in %,d  scored %,d  quarantined %,d  skipped %,d%s%n",
                rows.in, rows.scored, rows.quarantined, rows.skipped,
                rows.badByReason.isEmpty() ? "" : "  bad by reason " + rows.badByReason));
        b.append(String.format(Locale.ROOT, "  time      %.1f s in all; scoring stage %,.0f rows/s%n",
                durationMillis / 1000.0, scoringRowsPerSecond));
        for (ExecutorUsage e : executors) {
            b.append(String.format(Locale.ROOT, "  executor  %s on %s (pid %d): %d tasks (%d retried), %,d rows,"
                    + " %d model build(s) in this JVM%n", e.executorId(), e.host(), e.pid(), e.tasks(),
                    e.retriedTasks(), e.rows(), e.modelBuilds()));
        }
        b.append("  spark app ").append(sparkAppId).append('\n');
        return b.toString();
    }

    private static String calibration(PlanInfo plan) {
        return String.format(Locale.ROOT, ", calibration %d ms%s", plan.calibrationMillis, plan.chosenBuildMillis == 0
                ? "" : String.format(Locale.ROOT, " of which %d ms built the model scoring then used",
                plan.chosenBuildMillis));
    }
}
