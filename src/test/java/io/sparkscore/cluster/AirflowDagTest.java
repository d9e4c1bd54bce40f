package io.sparkscore.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkscore.cli.SparkScoreCli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Airflow DAG in {@code jobs/}: it compiles, and imported against stand-in Airflow modules (Airflow itself is not
 * installed here) it builds a SparkSubmitOperator whose application arguments, once Airflow has rendered
 * {@code {{ ds }}}, are a {@code sparkscore score} command line the real CLI accepts.
 */
class AirflowDagTest {

    @TempDir
    static Path dir;
    static AirflowDag airflow;

    @BeforeAll
    static void requirePython() {
        assumeTrue(AirflowDag.pythonAvailable(), "python3 is not installed; the Airflow DAG in jobs/ is not checked");
        airflow = AirflowDag.prepare(dir);
    }

    @Test
    void dagFilesCompile() {
        for (String file : List.of("sparkscore_daily.py", "sparkscore_args.py")) {
            AirflowDag.Run r = AirflowDag.python(List.of("-c", "import py_compile, sys;"
                    + " py_compile.compile(sys.argv[1], cfile=sys.argv[2],"
                    + " doraise=True)", AirflowDag.JOBS.resolve(file).toString(),
                    dir.resolve(file + "c").toString()), Map.of());
            assertThat(r.code()).as("%s: %s", file, r.output()).isZero();
        }
    }

    @Test
    void dagRunsTheShadedJarDailyWithRetriesAndAnSla() throws IOException {
        JsonNode dag = airflow.describe();

        assertThat(dag.get("dag_id").asText()).isEqualTo("sparkscore_daily");
        assertThat(dag.at("/dag/schedule").asText()).isEqualTo("0 3 * * *");
        assertThat(dag.at("/dag/default_args/retries").asInt()).isEqualTo(2);
        assertThat(dag.at("/dag/default_args/retry_delay").asDouble()).isEqualTo(15 * 60);
        assertThat(dag.at("/dag/default_args/sla").asDouble()).isEqualTo(180 * 60);
        assertThat(dag.get("tasks")).hasSize(1);
        JsonNode task = dag.get("tasks").get(0);
        assertThat(task.get("java_class").asText()).isEqualTo("io.sparkscore.cli.SparkScoreCli");
        assertThat(task.get("application").asText()).endsWith("-spark.jar");
        assertThat(task.get("files").asText()).endsWith("/log4j2.properties");
    }

    @Test
    void sparkJvmFlagsAreThoseOfConfJvmOptions() throws IOException {
        String flags = String.join(" ", Files.readAllLines(ClusterTesting.jvmOptions()).stream()
                .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
        JsonNode conf = airflow.describe().at("/tasks/0/conf");

        assertThat(conf.get("spark.driver.extraJavaOptions").asText()).isEqualTo(flags);
        assertThat(conf.get("spark.executor.extraJavaOptions").asText())
                .isEqualTo(flags + " -Dlog4j2.configurationFile=log4j2.properties");
    }

    @Test
    void renderedApplicationArgsAreAScoreCommandTheCliAccepts() throws IOException {
        List<String> args = airflow.renderedApplicationArgs("2025-03-04");

        CommandLine.ParseResult parsed = new CommandLine(new SparkScoreCli()).parseArgs(args.toArray(String[]::new));

        CommandLine.ParseResult score = parsed.subcommand();
        assertThat(score.commandSpec().name()).isEqualTo("score");
        assertThat(score.unmatched()).isEmpty();
        assertThat(score.<String>matchedOptionValue("--input", null)).isEqualTo("hdfs:///data/events/dt=2025-03-04");
        assertThat(score.<String>matchedOptionValue("--output", null)).isEqualTo("hdfs:///scores/churn/dt=2025-03-04");
        assertThat(score.<String>matchedOptionValue("--model", null)).endsWith(".keras");
        assertThat(score.<List<String>>matchedOptionValue("--features", null)).containsExactly("f1", "f2", "f3", "f4");
        assertThat(score.<String>matchedOptionValue("--mode", null)).isEqualTo("overwrite");
    }

    @Test
    void argumentBuilderRefusesAConfigKeyItDoesNotKnow() {
        AirflowDag.Run r = AirflowDag.python(List.of("-c", "from sparkscore_args import build_application_args as b\n"
                + "b({'model': 'm', 'input': 'i', 'output': 'o', 'feature': ['a']})"), Map.of());
        assertThat(r.code()).isNotZero();
        assertThat(r.output()).contains("ValueError: unknown keys in the score config: feature");
    }
}
