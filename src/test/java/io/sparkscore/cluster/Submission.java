package io.sparkscore.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;

/**
 * One run of {@code scripts/submit.sh} (or of spark-submit with a user's application) against a
 * {@link StandaloneCluster}: client mode, driver bound to 127.0.0.1,
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

    /** Where a submission goes: spark-submit's cluster options and the environment it runs with. */
    record Target(SparkHome sparkHome, List<String> options, Map<String, String> environment) {

        /** The standalone test cluster: client mode, one executor of one core per Worker. */
        static Target standalone(ClusterExtension.TestCluster testCluster) {
            StandaloneCluster cluster = testCluster.cluster();
            return new Target(testCluster.sparkHome(), List.of("--master", cluster.masterUrl(),
                    "--deploy-mode", "client", "--driver-memory", "1g", "--executor-memory", "512m",
                    "--executor-cores", "1", "--total-executor-cores", String.valueOf(cluster.workers().size()),
                    "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                    "--conf", "spark.ui.enabled=false",
                    // One input partition per file: the test datasets are a few small files, which Spark would
                    // pack into one partition per core otherwise.
                    "--conf", "spark.sql.files.maxPartitionBytes=4m",
                    // Wait for every executor before the first task, so that both JVMs take part.
                    "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                    "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=60s"),
                    testCluster.sparkHome().environment());
        }

        /**
         * The YARN test cluster in {@code deployMode}: two executors of one core; the containers use the Spark jars
         * where they are (same machine) instead of an upload of them to HDFS per submission.
         */
        static Target yarn(SparkHome sparkHome, YarnCluster yarn, String deployMode) {
            String java = System.getProperty("java.home");
            List<String> options = new ArrayList<>(List.of("--master", "yarn", "--deploy-mode", deployMode,
                    "--driver-memory", "512m", "--executor-memory", "512m", "--executor-cores", "1",
                    "--num-executors", "2",
                    "--conf", "spark.yarn.jars=local:" + sparkHome.jarsGlob(),
                    "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + java,
                    "--conf", "spark.executorEnv.JAVA_HOME=" + java,
                    "--conf", "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1",
                    "--conf", "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1",
                    "--conf", "spark.ui.enabled=false",
                    "--conf", "spark.sql.files.maxPartitionBytes=4m",
                    "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                    "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=120s"));
            if (deployMode.equals("client")) {
                options.addAll(List.of("--conf", "spark.driver.host=127.0.0.1",
                        "--conf", "spark.driver.bindAddress=127.0.0.1"));
            }
            Map<String, String> env = new LinkedHashMap<>(sparkHome.environment());
            env.put("HADOOP_CONF_DIR", yarn.confDir().toString());
            return new Target(sparkHome, options, env);
        }
    }

    static Submission start(ClusterExtension.TestCluster testCluster, Path log, List<String> appArgs) {
        return start(Target.standalone(testCluster), log, appArgs);
    }

    /** {@code scripts/submit.sh} with the target's options, then {@code appArgs} (a sparkscore command). */
    static Submission start(Target target, Path log, List<String> appArgs) {
        List<String> cmd = new ArrayList<>(List.of("bash",
                ClusterTesting.projectDir().resolve("scripts/submit.sh").toString()));
        cmd.addAll(target.options());
        cmd.add("--");
        cmd.addAll(appArgs);
        return run(target.environment(), log, cmd);
    }

    /**
     * A user's own application that uses sparkscore as a library, submitted with plain spark-submit as the README
     * says: the application jar holds {@code appClasses} (compiled test classes), sparkscore's jar goes with
     * {@code --jars}.
     */
    static Submission startUserApp(Target target, Path log, Path appJar, Class<?> mainClass,
                                   List<Class<?>> appClasses, List<String> appArgs) {
        String jvmFlags;
        try {
            jvmFlags = Files.readAllLines(ClusterTesting.jvmOptions()).stream().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.joining(" "));
            writeJar(appJar, appClasses);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of(target.sparkHome().sparkSubmit().toString()));
        cmd.addAll(target.options());
        cmd.addAll(List.of("--class", mainClass.getName(), "--jars", ClusterTesting.shadedJar().toString(),
                "--conf", "spark.driver.extraJavaOptions=" + jvmFlags,
                "--conf", "spark.executor.extraJavaOptions=" + jvmFlags,
                appJar.toString()));
        cmd.addAll(appArgs);
        return run(target.environment(), log, cmd);
    }

    private static void writeJar(Path jar, List<Class<?>> classes) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Class<?> c : classes) {
                String entry = c.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (InputStream in = c.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
    }

    private static Submission run(Map<String, String> env, Path log, List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
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
