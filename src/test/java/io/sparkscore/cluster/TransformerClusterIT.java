package io.sparkscore.cluster;

import io.sparkscore.job.LocalSpark;
import io.sparkscore.ml.SparkScoreModel;
import io.sparkscore.ml.TaskReport;
import io.sparkscore.model.SampleModels;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SparkScoreModel} inside a user's own application ({@link TransformerApp}) submitted to the real standalone
 * cluster: the stage is fitted in a pipeline, saved, loaded and scored on two executor JVMs, each of which builds
 * the model once.
 */
@ExtendWith(ClusterExtension.class)
class TransformerClusterIT {

    @TempDir
    static Path dir;
    static ClusterExtension.TestCluster cluster;
    static ScoringData data;

    @BeforeAll
    static void writeData(ClusterExtension.TestCluster testCluster) {
        cluster = testCluster;
        data = ScoringData.write(dir.resolve("data"), SampleModels.tiny(13), 6, 300, 13);
    }

    @Test
    void aUsersApplicationScoresThroughTheSavedAndLoadedStageOnTwoExecutorJvms() throws IOException {
        Path out = Files.createDirectories(dir.resolve("app-out"));
        Path log = ClusterTesting.logDir(TransformerClusterIT.class.getSimpleName()).resolve("app.log");
        try (Submission run = Submission.startUserApp(Submission.Target.standalone(cluster), log,
                dir.resolve("app.jar"), TransformerApp.class, List.of(TransformerApp.class),
                List.of(data.modelFile.toString(), data.input.toString(), out.toString(),
                        out.resolve("tasks.txt").toString()))) {
            assertThat(run.await(StandaloneClusterIT.JOB_TIMEOUT)).as("spark-submit exit code\n%s\n%s",
                    run.logTail(), cluster.cluster().logTails()).isZero();
        }

        List<Row> scored = LocalSpark.get().read().parquet(out.resolve("scored").toString()).collectAsList();
        assertThat(scored).hasSize(data.rows());
        assertThat(scored.get(0).schema().fieldNames()).containsExactly("id", "f1", "f2", "f3", "f4", "score");
        Map<Long, Float> byId = new HashMap<>();
        scored.forEach(r -> byId.put(r.getLong(0), r.getFloat(5)));
        assertThat(byId).isEqualTo(data.inProcessPredictions(64, data.rows()));

        List<TaskReport> tasks = Files.readAllLines(out.resolve("tasks.txt")).stream().map(TaskReport::parse)
                .toList();
        assertThat(tasks).as("scoring tasks, one per input partition").hasSize(6);
        Map<Long, Long> buildsByPid = tasks.stream().collect(Collectors.toMap(TaskReport::pid,
                TaskReport::modelBuildsInJvm, Math::max));
        assertThat(buildsByPid).as("executor JVMs and the models each built").hasSize(2)
                .doesNotContainKey(ProcessHandle.current().pid()).allSatisfy((pid, builds) ->
                        assertThat(builds).isEqualTo(1));
        assertThat(tasks).allSatisfy(t -> assertThat(t.executorId()).isNotEqualTo("driver"));
    }
}
