package io.sparkscore.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Airflow DAG in {@code jobs/} as the tests see it: imported by python3 against stand-in Airflow modules
 * (Airflow itself is not installed here), it describes its DAG and the SparkSubmitOperator it builds.
 */
final class AirflowDag {

    static final Path JOBS = ClusterTesting.projectDir().resolve("jobs");

    private final Path stubs;

    private AirflowDag(Path stubs) {
        this.stubs = stubs;
    }

    /** Whether python3 runs here; without it the DAG cannot be checked. */
    static boolean pythonAvailable() {
        return python(List.of("-c", "pass"), Map.of()).code() == 0;
    }

    /** Writes the stand-in Airflow modules under {@code dir}. */
    static AirflowDag prepare(Path dir) {
        try {
            for (Map.Entry<String, String> stub : AIRFLOW_STUBS.entrySet()) {
                Path file = dir.resolve("stubs").resolve(stub.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, stub.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new AirflowDag(dir.resolve("stubs"));
    }

    /** The DAG's settings and its tasks' operator arguments, as JSON. */
    JsonNode describe() throws IOException {
        Run r = python(List.of("-c", DESCRIBE_DAG), Map.of("PYTHONPATH", stubs + ":" + JOBS));
        if (r.code() != 0) {
            throw new IllegalStateException("the DAG could not be described: " + r.output());
        }
        return new ObjectMapper().readTree(r.output());
    }

    /** The {@code sparkscore} arguments of the DAG's task, as Airflow renders them for the run of day {@code ds}. */
    List<String> renderedApplicationArgs(String ds) throws IOException {
        List<String> args = new ArrayList<>();
        describe().at("/tasks/0/application_args").forEach(a -> args.add(a.asText().replace("{{ ds }}", ds)));
        return args;
    }

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

    record Run(int code, String output) {
    }

    static Run python(List<String> args, Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of("python3"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(JOBS.toFile()).redirectErrorStream(true);
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
}
