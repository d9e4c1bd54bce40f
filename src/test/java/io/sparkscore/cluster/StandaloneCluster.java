package io.sparkscore.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Spark standalone cluster on 127.0.0.1: one Master and {@code n} Workers, each a separate JVM started from a
 * {@link SparkHome}, each Worker with its own work directory (where its executors' logs land).
 *
 * <p>Owns every process it starts: {@link #close()} kills them and all their descendants (executors, drivers) by
 * PID, also when starting failed half way. Not thread-safe, except {@link #close()}.
 */
final class StandaloneCluster implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    /** One Worker JVM and the directory its executors run in. */
    record Worker(Process process, Path workDir) {
    }

    private final SparkHome sparkHome;
    private final Path jvmOptions;
    private final Path logDir;
    private final Path workRoot;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final List<Worker> workers = new ArrayList<>();
    private final int masterPort;
    private final int masterUiPort;
    private boolean closed;

    private StandaloneCluster(SparkHome sparkHome, Path jvmOptions, Path logDir, Path workRoot) {
        this.sparkHome = sparkHome;
        this.jvmOptions = jvmOptions;
        this.logDir = logDir;
        this.workRoot = workRoot;
        this.masterPort = freePort();
        this.masterUiPort = freePort();
    }

    /**
     * Starts the Master and {@code workerCount} Workers of {@code cores} cores and {@code memory} each, and returns
     * once the Master reports them all alive. Process logs go to {@code logDir} (kept after the run, executor logs
     * copied there on close); Worker work directories, which hold a copy of each application jar, to
     * {@code workRoot}.
     */
    static StandaloneCluster start(SparkHome sparkHome, Path jvmOptions, Path logDir, Path workRoot,
                                   int workerCount, int cores, String memory) {
        StandaloneCluster cluster = new StandaloneCluster(sparkHome, jvmOptions, logDir, workRoot);
        try {
            Files.createDirectories(logDir);
            Files.createDirectories(workRoot);
            cluster.startMaster();
            for (int i = 0; i < workerCount; i++) {
                cluster.startWorker(i, cores, memory);
            }
            cluster.awaitAliveWorkers(workerCount);
            return cluster;
        } catch (IOException e) {
            cluster.close();
            throw new UncheckedIOException("could not create " + logDir + " or " + workRoot, e);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    List<Worker> workers() {
        return List.copyOf(workers);
    }

    private void startMaster() {
        List<String> cmd = SparkHome.javaCommand(jvmOptions, "256m", sparkHome.jarsGlob(),
                "org.apache.spark.deploy.master.Master");
        cmd.addAll(List.of("--host", "127.0.0.1", "--port", String.valueOf(masterPort),
                "--webui-port", String.valueOf(masterUiPort)));
        launch(cmd, logDir.resolve("master.log"));
    }

    private void startWorker(int index, int cores, String memory) {
        Path workDir = workRoot.resolve("worker-" + index);
        List<String> cmd = SparkHome.javaCommand(jvmOptions, "256m", sparkHome.jarsGlob(),
                "org.apache.spark.deploy.worker.Worker");
        cmd.addAll(List.of("--host", "127.0.0.1", "--webui-port", String.valueOf(freePort()),
                "--cores", String.valueOf(cores), "--memory", memory, "--work-dir", workDir.toString(),
                masterUrl()));
        Path log = logDir.resolve("worker-" + index + ".log");
        workers.add(new Worker(launch(cmd, log), workDir));
    }

    private Process launch(List<String> cmd, Path log) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(sparkHome.environment());
        try {
            Process p = pb.start();
            processes.add(p);
            logs.add(log);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + cmd, e);
        }
    }

    private void awaitAliveWorkers(int expected) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI state = URI.create("http://127.0.0.1:" + masterUiPort + "/json/");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        int alive = 0;
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a cluster process exited with " + p.exitValue() + " while"
                            + " starting\n" + logTails());
                }
            }
            alive = aliveWorkers(http, state).orElse(0);
            if (alive >= expected) {
                return;
            }
            sleep(300);
        }
        throw new IllegalStateException("the Master reported " + alive + " of " + expected + " workers alive after "
                + START_TIMEOUT.toSeconds() + " s\n" + logTails());
    }

    private static Optional<Integer> aliveWorkers(HttpClient http, URI state) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(state).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode json = new ObjectMapper().readTree(r.body());
            return Optional.of(json.path("aliveworkers").asInt(0));
        } catch (IOException e) {
            return Optional.empty(); // the Master's web UI is not up yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the cluster", e);
        }
    }

    /** The last lines of every cluster log, for failure messages. */
    String logTails() {
        StringBuilder b = new StringBuilder();
        for (Path log : logs) {
            b.append(ChildProcesses.tail(log, 30));
        }
        return b.toString();
    }

    /**
     * Kills the Workers' executors, the Workers and the Master, each with its descendants, then copies the
     * executors' logs next to the cluster logs. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = processes.size() - 1; i >= 0; i--) {
            ChildProcesses.destroyTree(processes.get(i).toHandle());
        }
        for (int i = 0; i < workers.size(); i++) {
            ExecutorLogs.copy(workers.get(i).workDir(), logDir.resolve("worker-" + i + "-executors"));
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
