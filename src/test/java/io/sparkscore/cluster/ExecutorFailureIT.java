package io.sparkscore.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SampleModels;
import io.sparkscore.model.SequentialBuilder;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An executor JVM killed (SIGKILL) while it scores, after it finished its first scoring task: Spark retries the lost
 * task elsewhere, the job completes with every row exactly once, and the run summary records the retry.
 */
@ExtendWith(ClusterExtension.class)
class ExecutorFailureIT {

    private static final String SCORING_STARTED = "Scoring partition";
    private static final int PARTITIONS = 12;
    private static final int ROWS_PER_PARTITION = 3000;

    @TempDir
    static Path dir;
    static ClusterExtension.TestCluster cluster;
    static ScoringData data;
    static Path logs;

    /** Wide enough that a partition takes about a second on the jvm path, so a task is in flight when we kill. */
    static ModelSpec wideModel() {
        Random random = new Random(5);
        return new SequentialBuilder("wide", new int[] {4})
                .add(SampleModels.dense("dense", 4, 256, "relu", random))
                .add(SampleModels.dense("dense_1", 256, 256, "relu", random))
                .add(SampleModels.dense("dense_2", 256, 256, "relu", random))
                .add(SampleModels.dense("dense_3", 256, 1, "sigmoid", random))
                .build();
    }

    @BeforeAll
    static void writeData(ClusterExtension.TestCluster testCluster) {
        cluster = testCluster;
        logs = ClusterTesting.logDir(ExecutorFailureIT.class.getSimpleName());
        data = ScoringData.write(dir.resolve("data"), wideModel(), PARTITIONS, ROWS_PER_PARTITION, 5);
    }

    /** A Worker's executor that has finished a scoring task and is running another one right now. */
    record Victim(StandaloneCluster.Worker worker, ProcessHandle executor) {
    }

    static Optional<Victim> executorBusyAfterItsFirstScoringTask() {
        for (StandaloneCluster.Worker worker : cluster.cluster().workers()) {
            for (Path stderr : ExecutorLogs.stderrFiles(worker.workDir())) {
                boolean secondTaskStarted = ExecutorLogs.count(stderr, SCORING_STARTED) >= 2;
                boolean taskInFlight = ExecutorLogs.count(stderr, "Running task")
                        > ExecutorLogs.count(stderr, "Finished task");
                if (secondTaskStarted && taskInFlight) {
                    Optional<ProcessHandle> executor = worker.process().toHandle().children()
                            .filter(p -> p.isAlive() && p.info().commandLine().orElse("")
                                    .contains("CoarseGrainedExecutorBackend"))
                            .findFirst();
                    if (executor.isPresent()) {
                        return Optional.of(new Victim(worker, executor.get()));
                    }
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void aKilledExecutorsTaskIsRetriedAndEveryRowIsWrittenExactlyOnce() {
        Path out = dir.resolve("scored");
        long victimPid;
        try (Submission run = Submission.start(cluster, logs.resolve("scored.log"),
                data.scoreArgs(out, "--path", "jvm", "--batch-size", "64"))) {
            Optional<Victim> victim = Optional.empty();
            long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            while (victim.isEmpty() && run.isAlive() && System.nanoTime() < deadline) {
                StandaloneCluster.sleep(50);
                victim = executorBusyAfterItsFirstScoringTask();
            }
            assertThat(victim).as("an executor busy with its second scoring task\n%s", run.logTail()).isPresent();
            victimPid = victim.get().executor().pid();
            victim.get().executor().destroyForcibly();

            int code = run.await(StandaloneClusterIT.JOB_TIMEOUT);
            assertThat(code).as("spark-submit exit code\n%s", run.logTail()).isZero();
        }

        List<Row> scored = ScoringData.scored(out);
        Set<Long> ids = new HashSet<>();
        scored.forEach(r -> ids.add(r.getLong(0)));
        assertThat(scored).hasSize(data.rows());
        assertThat(ids).hasSize(data.rows()).allMatch(id -> id >= 0 && id < data.rows());
        Map<Long, Float> sample = data.inProcessPredictions(64, 1000);
        Map<Long, Float> scoredSample = new HashMap<>();
        scored.stream().filter(r -> r.getLong(0) < 1000).forEach(r -> scoredSample.put(r.getLong(0), r.getFloat(1)));
        assertThat(scoredSample).isEqualTo(sample);

        JsonNode summary = ScoringData.summary(out);
        assertThat(summary.at("/rows/in").asLong()).isEqualTo(data.rows());
        assertThat(summary.at("/rows/scored").asLong()).isEqualTo(data.rows());
        SummaryExecutors executors = SummaryExecutors.of(summary);
        for (SummaryExecutors.Entry e : executors.entries()) {
            assertThat(e.modelBuilds()).as("model builds in executor %s", e).isEqualTo(1);
        }
        assertThat(executors.retriedTasks()).as("retried tasks in %s", executors.entries())
                .isGreaterThanOrEqualTo(1);
        assertThat(executors.tasksOf(victimPid)).as("scoring tasks the killed executor finished")
                .isGreaterThanOrEqualTo(1);
        assertThat(new HashSet<>(executors.pids())).as("executor JVMs").hasSizeGreaterThanOrEqualTo(2);
        assertThat(executors.tasks()).as("successful scoring tasks, one per input partition").isEqualTo(PARTITIONS);
        assertThat(ProcessHandle.of(victimPid).filter(ProcessHandle::isAlive)).isEmpty();
    }
}
