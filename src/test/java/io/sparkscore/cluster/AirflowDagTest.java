package io.sparkscore.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkscore.cli.SparkScoreCli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Airflow DAG in {@code jobs/}: it compiles, and imported against stand-in Airflow modules (Airflow itself is not
 * installed here) it builds a SparkSubmitOperator whose application arguments, once Airflow has rendered
 * {@code {{ ds }}}, are a {@code sparkscore score} command line the real CLI accepts.
 */
class AirflowDagTest {

    private static final Map<String, String> AIRFLOW_STUBS = Map.of(
            "airflow/__init__.py", """
                    _open = []


                    class DAG:
                        def __init__(self, dag_id, **kwargs):
                            self.dag_id, self.kwargs, self.tasks = dag_id, kwargs, []

                        def __enter__(self):
                            _open.append(self)
                            return self

                        def __exit__(self, *exc):
                            _open.pop()
                    """,
            "airflow/providers/__init__.py", "",
            "airflow/providers/apache/__init__.py", "",
            "airflow/providers/apache/spark/__init__.py", "",
            "airflow/providers/apache/spark/operators/__init__.py", "",
            "airflow/providers/apache/spark/operators/spark_submit.py", """
                    import airflow


                    class SparkSubmitOperator:
                        def __init__(self, task_id, **kwargs):
                            self.task_id, self.kwargs = task_id, kwargs
                            airflow._open[-1].tasks.append(self)
                    """);

    private static final String DESCRIBE_DAG = """
            import json
            from datetime import timedelta
            import sparkscore_daily as module
            dag = module.dag
            print(json.dumps({"dag_id": dag.dag_id, "dag": dag.kwargs,
                              "tasks": [dict(t.kwargs, task_id=t.task_id) for t in dag.tasks]},
                             default=lambda o: o.total_seconds() if isinstance(o, timedelta) else str(o)))
            """;

    @TempDir
    static Path dir;
    static Path jobs = ClusterTesting.projectDir().resolve("jobs");

    @BeforeAll
    static void requirePython() throws IOException {
        assumeTrue(python(List.of("-c", "pass"), Map.of()).code() == 0,
                "python3 is not installed; the Airflow DAG in jobs/ is not checked");
        for (Map.Entry<String, String> stub : AIRFLOW_STUBS.entrySet()) {
            Path file = dir.resolve("stubs").resolve(stub.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, stub.getValue());
        }
    }

    record Run(int code, String output) {
    }

    static Run python(List<String> args, Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of("python3"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(jobs.toFile()).redirectErrorStream(true);
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Run(-1, out + "\n(timed out)");
            }
            return new Run(p.exitValue(), out);
        } catch (IOException e) {
            return new Run(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(-1, e.toString());
        }
    }

    static JsonNode describeDag() throws IOException {
        Run r = python(List.of("-c", DESCRIBE_DAG), Map.of("PYTHONPATH", dir.resolve("stubs") + ":" + jobs));
        assertThat(r.code()).as(r.output()).isZero();
        return new ObjectMapper().readTree(r.output());
    }

    @Test
    void dagFilesCompile() {
        for (String file : List.of("sparkscore_daily.py", "sparkscore_args.py")) {
            Run r = python(List.of("-c", "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2],"
                    + " doraise=True)", jobs.resolve(file).toString(), dir.resolve(file + "c").toString()), Map.of());
            assertThat(r.code()).as("%s: %s", file, r.output()).isZero();
        }
    }

    @Test
    void dagRunsTheShadedJarDailyWithRetriesAndAnSla() throws IOException {
        JsonNode dag = describeDag();

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
        JsonNode conf = describeDag().at("/tasks/0/conf");

        assertThat(conf.get("spark.driver.extraJavaOptions").asText()).isEqualTo(flags);
        assertThat(conf.get("spark.executor.extraJavaOptions").asText())
                .isEqualTo(flags + " -Dlog4j2.configurationFile=log4j2.properties");
    }

    @Test
    void renderedApplicationArgsAreAScoreCommandTheCliAccepts() throws IOException {
        List<String> args = new ArrayList<>();
        describeDag().at("/tasks/0/application_args").forEach(a -> args.add(a.asText().replace("{{ ds }}",
                "2025-03-04")));

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
        Run r = python(List.of("-c", "from sparkscore_args import build_application_args as b\n"
                + "b({'model': 'm', 'input': 'i', 'output': 'o', 'feature': ['a']})"), Map.of());
        assertThat(r.code()).isNotZero();
        assertThat(r.output()).contains("ValueError: unknown keys in the score config: feature");
    }
}
