package io.sparkscore.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkscore.job.LocalSpark;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.model.SampleModels;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * sparkscore submitted with {@code scripts/submit.sh --master yarn} to a real YARN (an in-process MiniYARNCluster
 * whose containers are separate JVMs) with the model, input and output on HDFS, in client and in cluster deploy
 * mode, as a user would run it on a Hadoop cluster.
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

    /** Scores /data/input into /scores/{@code name} on YARN; fails with the driver's log tail if it does not. */
    static String submitAndSucceed(String deployMode, String name) {
        String out = "hdfs:///scores/" + name;
        List<String> args = new ArrayList<>(List.of("score", "--model", "hdfs:///models/tiny.keras",
                "--input", "hdfs:///data/input", "--output", out, "--features", "f1,f2,f3,f4", "--keep", "id",
                "--path", "jvm", "--batch-size", "64"));
        try (Submission run = Submission.startOnYarn(sparkHome, yarn, deployMode, logs.resolve(name + ".log"),
                args)) {
            int code = run.await(JOB_TIMEOUT);
            assertThat(code).as("spark-submit exit code\n%s\ncontainer logs under %s", run.logTail(),
                    yarn.containerLogs()).isZero();
        }
        return yarn.hdfs().root() + "/scores/" + name;
    }

    void assertScoredOnTwoExecutorJvms(String out) throws IOException {
        Map<Long, Float> byId = new HashMap<>();
        List<Row> scored = LocalSpark.get().read().parquet(out).select("id", "prediction").collectAsList();
        scored.forEach(r -> byId.put(r.getLong(0), r.getFloat(1)));
        assertThat(scored).hasSize(data.rows());
        assertThat(byId).isEqualTo(data.inProcessPredictions(64, data.rows()));

        JsonNode summary;
        try (InputStream in = hdfs.open(new org.apache.hadoop.fs.Path(out + "/" + ScoringJob.SUMMARY_FILE))) {
            summary = new ObjectMapper().readTree(in);
        }
        assertThat(summary.at("/rows/in").asLong()).isEqualTo(data.rows());
        assertThat(summary.at("/rows/scored").asLong()).isEqualTo(data.rows());
        assertThat(summary.at("/sparkAppId").asText()).startsWith("application_");
        List<Long> pids = new ArrayList<>();
        long tasks = 0;
        for (JsonNode e : summary.get("executors")) {
            pids.add(e.get("pid").asLong());
            tasks += e.get("tasks").asLong();
            assertThat(e.get("executorId").asText()).as("executor %s", e).isNotEqualTo("driver");
            assertThat(e.get("modelBuilds").asLong()).as("model builds in executor %s", e).isEqualTo(1);
        }
        assertThat(pids).as("executor JVMs").hasSize(2).doesNotHaveDuplicates()
                .doesNotContain(ProcessHandle.current().pid());
        assertThat(tasks).as("scoring tasks, one per input partition").isEqualTo(4);
    }

    @Test
    void clientModeScoresFromHdfsToHdfsOnTwoYarnContainers() throws IOException {
        assertScoredOnTwoExecutorJvms(submitAndSucceed("client", "client"));
    }

    @Test
    void clusterModeRunsTheDriverInTheApplicationMaster() throws IOException {
        assertScoredOnTwoExecutorJvms(submitAndSucceed("cluster", "cluster"));
    }
}
