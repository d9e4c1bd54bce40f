package io.sparkscore.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkscore.model.SampleModels;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * sparkscore submitted with {@code scripts/submit.sh} to a real standalone cluster (a Master and two Workers of one
 * core each, separate JVMs on 127.0.0.1, Spark from the jars Maven resolved), as a user would run it.
 */
@ExtendWith(ClusterExtension.class)
class StandaloneClusterIT {

    static final Duration JOB_TIMEOUT = Duration.ofSeconds(180);

    @TempDir
    static Path dir;
    static ClusterExtension.TestCluster cluster;
    static ScoringData data;
    static Path logs;

    @BeforeAll
    static void writeData(ClusterExtension.TestCluster testCluster) {
        cluster = testCluster;
        logs = ClusterTesting.logDir(StandaloneClusterIT.class.getSimpleName());
        data = ScoringData.write(dir.resolve("data"), SampleModels.tiny(11), 8, 500, 11);
    }

    static Path submitAndSucceed(String name, String... scoreOptions) {
        Path out = dir.resolve(name);
        try (Submission run = Submission.start(cluster, logs.resolve(name + ".log"), data.scoreArgs(out,
                scoreOptions))) {
            int code = run.await(JOB_TIMEOUT);
            assertThat(code).as("spark-submit exit code\n%s\n%s", run.logTail(), cluster.cluster().logTails())
                    .isZero();
        }
        return out;
    }

    @Test
    void scoresEveryRowOnTwoExecutorJvmsThatEachBuildTheModelOnce() {
        Path out = submitAndSucceed("fixed", "--path", "jvm", "--batch-size", "64");

        List<Row> scored = ScoringData.scored(out);
        Map<Long, Float> byId = new HashMap<>();
        scored.forEach(r -> byId.put(r.getLong(0), r.getFloat(1)));
        assertThat(scored).hasSize(data.rows());
        assertThat(byId).hasSize(data.rows());
        assertThat(byId).isEqualTo(data.inProcessPredictions(64, data.rows()));

        JsonNode summary = ScoringData.summary(out);
        assertThat(summary.at("/rows/in").asLong()).isEqualTo(data.rows());
        assertThat(summary.at("/rows/scored").asLong()).isEqualTo(data.rows());
        assertThat(summary.at("/plan/source").asText()).isEqualTo("fixed");
        assertThat(summary.at("/plan/path").asText()).isEqualTo("jvm");
        assertThat(summary.at("/sparkAppId").asText()).startsWith("app-");
        SummaryExecutors executors = SummaryExecutors.of(summary);
        for (SummaryExecutors.Entry e : executors.entries()) {
            assertThat(e.modelBuilds()).as("model builds in executor %s", e).isEqualTo(1);
            assertThat(e.retriedTasks()).as("retries in executor %s", e).isZero();
        }
        executors.assertScoredOnExecutorJvms(2);
        assertThat(executors.tasks()).as("scoring tasks, one per input partition").isEqualTo(8);
    }

    @Test
    void calibratesOnTheClusterAndScoresWithTheChosenPlan() {
        Path out = submitAndSucceed("calibrated", "--calibration", "auto", "--calibration-rows", "512",
                "--calibration-budget-ms", "4000", "--plan-store", dir.resolve("plans").toString());

        List<Row> scored = ScoringData.scored(out);
        assertThat(scored).hasSize(data.rows());
        assertThat(scored.stream().map(r -> r.getLong(0)).distinct().count()).isEqualTo(data.rows());
        JsonNode summary = ScoringData.summary(out);
        assertThat(summary.at("/plan/source").asText()).isEqualTo("calibrated");
        assertThat(summary.at("/rows/scored").asLong()).isEqualTo(data.rows());
        assertThat(out.resolve("_sparkscore_calibration.json")).isNotEmptyFile();
        // Calibration checks the paths it measures against each other, so whichever it chose matches the jvm reference.
        Map<Long, Float> reference = data.inProcessPredictions(64, data.rows());
        for (Row r : scored) {
            assertThat(r.getFloat(1)).as("row %d", r.getLong(0)).isCloseTo(reference.get(r.getLong(0)),
                    within(1e-5f));
        }
    }
}
