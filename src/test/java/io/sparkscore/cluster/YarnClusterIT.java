package io.sparkscore.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkscore.job.LocalSpark;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.ml.TaskReport;
import io.sparkscore.model.SampleModels;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * sparkscore submitted with {@code scripts/submit.sh --master yarn} to a real YARN (an in-process MiniYARNCluster
 * whose containers are separate JVMs) with the model, input and output on HDFS, in client and in cluster deploy
 * mode, as a user would run it on a Hadoop cluster; in cluster mode the command is the one the Airflow DAG in
 * {@code jobs/} renders for a day. And a user's own application scoring with the Spark ML stage.
 */
class YarnClusterIT {

    static final Duration JOB_TIMEOUT = Duration.ofSeconds(300);

    @TempDir
    static Path dir;
    static YarnCluster yarn;
    static SparkHome sparkHome;
    static ScoringData data;
    static FileSystem hdfs;
    static Path logs;

    @BeforeAll
    static void start() throws IOException {
        logs = ClusterTesting.logDir(YarnClusterIT.class.getSimpleName());
        sparkHome = SparkHome.create(dir.resolve("spark-home"), ClusterTesting.classpathFiles());
        yarn = YarnCluster.start(dir.resolve("yarn"), 3072);
        hdfs = yarn.hdfs().fileSystem();
        data = ScoringData.write(dir.resolve("data"), SampleModels.tiny(17), 4, 250, 17);
        hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(data.modelFile.toUri()),
                new org.apache.hadoop.fs.Path("/models/tiny.keras"));
        hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(data.input.toUri()),
                new org.apache.hadoop.fs.Path("/data/input"));
    }

    @AfterAll
    static void stop() {
        try {
            if (yarn != null) {
                yarn.close();
            }
        } finally {
            if (sparkHome != null) {
                sparkHome.close();
            }
        }
    }

    /** Submits {@code args} to YARN in {@code deployMode}; fails with the driver's log tail if the run fails. */
    static void submitAndSucceed(String deployMode, String name, List<String> args) {
        try (Submission run = Submission.start(Submission.Target.yarn(sparkHome, yarn, deployMode),
                logs.resolve(name + ".log"), args)) {
            int code = run.await(JOB_TIMEOUT);
            assertThat(code).as("spark-submit exit code\n%s\ncontainer logs under %s", run.logTail(),
                    yarn.containerLogs()).isZero();
        }
    }

    /** Every row scored once, within {@code tolerance} of the in-process jvm path; returns the run summary. */
    JsonNode assertEveryRowScored(String out, String column, float tolerance) throws IOException {
        List<Row> scored = LocalSpark.get().read().parquet(yarn.hdfs().root() + out).select("id", column)
                .collectAsList();
        assertThat(scored).hasSize(data.rows());
        Map<Long, Float> reference = data.inProcessPredictions(64, data.rows());
        Map<Long, Float> byId = new HashMap<>();
        for (Row r : scored) {
            byId.put(r.getLong(0), r.getFloat(1));
            assertThat(r.getFloat(1)).as("row %d", r.getLong(0)).isCloseTo(reference.get(r.getLong(0)),
                    within(tolerance));
        }
        assertThat(byId).hasSize(data.rows());

        JsonNode summary;
        try (InputStream in = hdfs.open(new org.apache.hadoop.fs.Path(out + "/" + ScoringJob.SUMMARY_FILE))) {
            summary = new ObjectMapper().readTree(in);
        }
        assertThat(summary.at("/rows/in").asLong()).isEqualTo(data.rows());
        assertThat(summary.at("/rows/scored").asLong()).isEqualTo(data.rows());
        assertThat(summary.at("/sparkAppId").asText()).startsWith("application_");
        SummaryExecutors executors = SummaryExecutors.of(summary);
        executors.assertScoredOnExecutorJvms(2);
        assertThat(executors.tasks()).as("scoring tasks, one per input partition").isEqualTo(4);
        return summary;
    }

    @Test
    void clientModeScoresFromHdfsToHdfsOnTwoYarnContainersThatEachBuildTheModelOnce() throws IOException {
        submitAndSucceed("client", "client", List.of("score", "--model", "hdfs:///models/tiny.keras",
                "--input", "hdfs:///data/input", "--output", "hdfs:///scores/client", "--features", "f1,f2,f3,f4",
                "--keep", "id", "--path", "jvm", "--batch-size", "64"));

        JsonNode summary = assertEveryRowScored("/scores/client", "prediction", 0);
        assertThat(summary.at("/plan/source").asText()).isEqualTo("fixed");
        for (SummaryExecutors.Entry e : SummaryExecutors.of(summary).entries()) {
            assertThat(e.modelBuilds()).as("model builds in executor %s", e).isEqualTo(1);
        }
    }

    @Test
    void aUsersApplicationScoresWithTheSparkMlStageOnYarn() throws IOException {
        Path tasksFile = dir.resolve("transformer-tasks.txt");
        try (Submission run = Submission.startUserApp(Submission.Target.yarn(sparkHome, yarn, "client"),
                logs.resolve("transformer.log"), dir.resolve("app.jar"), TransformerApp.class,
                List.of(TransformerApp.class), List.of("hdfs:///models/tiny.keras", "hdfs:///data/input",
                        "hdfs:///apps/transformer", tasksFile.toString()))) {
            assertThat(run.await(JOB_TIMEOUT)).as("spark-submit exit code\n%s", run.logTail()).isZero();
        }

        Map<Long, Float> byId = new HashMap<>();
        List<Row> scored = LocalSpark.get().read().parquet(yarn.hdfs().root() + "/apps/transformer/scored")
                .select("id", "score").collectAsList();
        scored.forEach(r -> byId.put(r.getLong(0), r.getFloat(1)));
        assertThat(scored).hasSize(data.rows());
        assertThat(byId).isEqualTo(data.inProcessPredictions(64, data.rows()));
        List<TaskReport> tasks = Files.readAllLines(tasksFile).stream().map(TaskReport::parse).toList();
        assertThat(tasks).as("scoring tasks, one per input partition").hasSize(4)
                .allSatisfy(t -> assertThat(t.executorId()).isNotEqualTo("driver"));
        assertThat(tasks.stream().map(TaskReport::pid).distinct()).as("executor containers").hasSize(2)
                .doesNotContain(ProcessHandle.current().pid());
    }

    @Test
    void clusterModeRunsTheAirflowDagsRenderedCommandWithTheDriverInTheApplicationMaster() throws IOException {
        assumeTrue(AirflowDag.pythonAvailable(), "python3 is not installed; the Airflow DAG cannot be rendered");
        List<String> dagArgs = AirflowDag.prepare(dir.resolve("airflow")).renderedApplicationArgs("2025-03-04");
        assertThat(dagArgs).contains("hdfs:///models/churn/v3/churn.keras", "hdfs:///data/events/dt=2025-03-04",
                "hdfs:///scores/churn/dt=2025-03-04");
        hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(data.modelFile.toUri()),
                new org.apache.hadoop.fs.Path("/models/churn/v3/churn.keras"));
        hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(data.input.toUri()),
                new org.apache.hadoop.fs.Path("/data/events/dt=2025-03-04"));

        submitAndSucceed("cluster", "airflow-dag", dagArgs);

        // the DAG calibrates; the paths it measures are checked against each other, so either is close to the jvm one
        JsonNode summary = assertEveryRowScored("/scores/churn/dt=2025-03-04", "churn_probability", 1e-5f);
        assertThat(summary.at("/plan/source").asText()).isEqualTo("calibrated");
        for (SummaryExecutors.Entry e : SummaryExecutors.of(summary).entries()) {
            assertThat(e.modelBuilds()).as("model builds (one per calibrated path at most) in"
                    + " executor %s", e).isBetween(1L, 2L);
        }
        assertThat(hdfs.exists(new org.apache.hadoop.fs.Path("/sparkscore/plans"))).as("plan store").isTrue();
    }
}
