package io.sparkscore.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code scripts/submit.sh} against a {@link StandaloneCluster}: client mode, driver bound to 127.0.0.1,
 * one executor of one core per Worker. Its output goes to a log file. Owns the spark-submit process tree (the
 * launcher script execs the driver JVM): {@link #close()} kills what is still running.
 */
final class Submission implements AutoCloseable {

    private final Process process;
    final Path log;

    private Submission(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static Submission start(ClusterExtension.TestCluster testCluster, Path log, List<String> appArgs) {
        StandaloneCluster cluster = testCluster.cluster();
        int executors = cluster.workers().size();
        List<String> cmd = new ArrayList<>(List.of("bash",
                ClusterTesting.projectDir().resolve("scripts/submit.sh").toString(),
                "--master", cluster.masterUrl(), "--deploy-mode", "client",
                "--driver-memory", "1g", "--executor-memory", "512m", "--executor-cores", "1",
                "--total-executor-cores", String.valueOf(executors),
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.ui.enabled=false",
                // One input partition per file: the test datasets are a few small files, which Spark would pack
                // into one partition per core otherwise.
                "--conf", "spark.sql.files.maxPartitionBytes=4m",
                // Wait for every executor before the first task, so that both JVMs take part.
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=60s",
                "--"));
        cmd.addAll(appArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(testCluster.sparkHome().environment());
        try {
            return new Submission(pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + cmd, e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the driver to finish; returns its exit code, or fails with the log tail on timeout. */
    int await(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new IllegalStateException("spark-submit did not finish in " + timeout.toSeconds() + " s\n"
                        + ChildProcesses.tail(log, 60));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for spark-submit", e);
        }
    }

    String logTail() {
        return ChildProcesses.tail(log, 80);
    }

    @Override
    public void close() {
        ChildProcesses.destroyTree(process.toHandle());
    }
}
