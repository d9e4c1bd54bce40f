package io.sparkscore.cluster;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code scripts/submit.sh} against a stand-in {@code spark-submit} that records its arguments: what the script adds
 * (main class, JVM flags for driver and executors, the log configuration) and how it splits the user's arguments.
 */
class SubmitScriptTest {

    @TempDir
    static Path dir;
    static Path sparkHome;
    static Path script = ClusterTesting.projectDir().resolve("scripts/submit.sh");

    @BeforeAll
    static void fakeSparkSubmit() throws IOException {
        sparkHome = dir.resolve("spark");
        Path submit = Files.createDirectories(sparkHome.resolve("bin")).resolve("spark-submit");
        Files.writeString(submit, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > \"$SPARK_HOME/args\"\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    record Run(int code, String output, List<String> args) {
    }

    static Run run(Path home, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().put("SPARKSCORE_JAR", "/opt/sparkscore-spark.jar");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Path recorded = home.resolve("args");
        List<String> submitted = Files.exists(recorded) ? Files.readAllLines(recorded) : List.of();
        Files.deleteIfExists(recorded);
        return new Run(p.exitValue(), output, submitted);
    }

    static String valueAfter(List<String> args, String option) {
        return args.get(args.indexOf(option) + 1);
    }

    @Test
    void scriptIsValidBash() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
    }

    @Test
    void passesSparkOptionsBeforeTheJarAndSparkscoreArgumentsAfterIt() throws Exception {
        Run r = run(sparkHome, "--master", "spark://m:7077", "--conf", "spark.executor.memory=2g", "--",
                "score", "--model", "m.keras", "--features", "a,b");

        assertThat(r.code()).as(r.output()).isZero();
        List<String> a = r.args();
        assertThat(valueAfter(a, "--class")).isEqualTo("io.sparkscore.cli.SparkScoreCli");
        assertThat(a.subList(a.indexOf("--master"), a.size())).containsExactly("--master", "spark://m:7077",
                "--conf", "spark.executor.memory=2g", "/opt/sparkscore-spark.jar", "score", "--model", "m.keras",
                "--features", "a,b");
        assertThat(valueAfter(a, "--driver-java-options"))
                .startsWith("-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED ")
                .endsWith(" -Dlog4j2.configurationFile=" + ClusterTesting.projectDir()
                        .resolve("conf/log4j2.properties"));
        assertThat(a).contains("spark.executor.extraJavaOptions=-XX:+IgnoreUnrecognizedVMOptions"
                + " --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED"
                + " --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED"
                + " --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED"
                + " --add-opens=java.base/java.util=ALL-UNNAMED"
                + " --add-opens=java.base/java.util.concurrent=ALL-UNNAMED"
                + " --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED"
                + " --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
                + " --add-opens=java.base/sun.nio.cs=ALL-UNNAMED"
                + " --add-opens=java.base/sun.security.action=ALL-UNNAMED"
                + " --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false"
                + " -Dio.netty.tryReflectionSetAccessible=true");
        assertThat(valueAfter(a, "--files")).isEqualTo(ClusterTesting.projectDir()
                .resolve("conf/log4j2.properties").toString());
        assertThat(a).contains("spark.executorEnv.TF_OVERRIDE_GLOBAL_THREADPOOL=true",
                "spark.sparkscore.calibration-rows=4096");
        assertThat(a.indexOf("spark.sparkscore.calibration-rows=4096")).isLessThan(a.indexOf("--master"));
    }

    @Test
    void onYarnAndKubernetesExecutorsReadTheShippedLogConfiguration() throws Exception {
        for (String master : List.of("yarn", "k8s://https://api:6443")) {
            Run r = run(sparkHome, "--master", master, "--", "inspect", "--model", "m.keras");
            assertThat(r.code()).as(r.output()).isZero();
            assertThat(r.args()).anyMatch(arg -> arg.startsWith("spark.executor.extraJavaOptions=")
                    && arg.endsWith(" -Dlog4j2.configurationFile=log4j2.properties"));
        }
    }

    @Test
    void withoutASeparatorEveryArgumentGoesToSparkscore() throws Exception {
        Run r = run(sparkHome, "inspect", "--model", "m.keras");
        assertThat(r.code()).as(r.output()).isZero();
        List<String> a = r.args();
        assertThat(a.subList(a.indexOf("/opt/sparkscore-spark.jar"), a.size()))
                .containsExactly("/opt/sparkscore-spark.jar", "inspect", "--model", "m.keras");
    }

    @Test
    void saysHowToFixAMissingSparkSubmit() throws Exception {
        Run r = run(dir.resolve("no-spark-here"), "inspect");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.output()).startsWith("submit.sh: spark-submit not found; set SPARK_HOME to a Spark 4"
                + " installation or put spark-submit on PATH\n");
    }
}
