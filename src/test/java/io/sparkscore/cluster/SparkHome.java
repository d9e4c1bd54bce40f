package io.sparkscore.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Spark installation assembled from the jars Maven resolved, laid out like a distribution: an empty
 * {@code RELEASE} file (which makes Spark's launcher take {@code jars/} as the classpath), {@code jars/} with links to
 * every runtime jar of the build (Spark, Hadoop client, Scala, TensorFlow Java with its native jar, ...), and a
 * {@code bin/spark-submit} that asks Spark's own launcher for the driver command, as a distribution's
 * {@code bin/spark-class} does. The project's classes are not in it: applications bring them in the shaded jar.
 */
final class SparkHome implements AutoCloseable {

    private static final String SPARK_SUBMIT = """
            #!/usr/bin/env bash
            # Stand-in for a distribution's bin/spark-submit: Spark's launcher prints a NUL, a newline and then the
            # driver command with NUL-separated arguments; run that command.
            set -euo pipefail
            java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
            cmd=()
            header=true
            while IFS= read -r -d '' part; do
              if $header; then header=false; continue; fi
              if [[ ${#cmd[@]} -eq 0 ]]; then part="${part#$'\\n'}"; fi
              cmd+=("$part")
            done < <("$java" -Xmx128m -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main \\
                       org.apache.spark.deploy.SparkSubmit "$@")
            if [[ ${#cmd[@]} -eq 0 ]]; then
              echo "spark-submit: Spark's launcher printed no command" >&2
              exit 1
            fi
            exec "${cmd[@]}"
            """;

    final Path home;

    private SparkHome(Path home) {
        this.home = home;
    }

    /** Builds the installation in {@code dir} from the classpath files {@code mvn package} wrote. */
    static SparkHome create(Path dir, List<Path> classpathFiles) {
        try {
            Path jars = Files.createDirectories(dir.resolve("jars"));
            Files.createFile(dir.resolve("RELEASE"));
            for (Map.Entry<String, Path> jar : jars(classpathFiles).entrySet()) {
                Files.createSymbolicLink(jars.resolve(jar.getKey()), jar.getValue());
            }
            Path submit = Files.createDirectories(dir.resolve("bin")).resolve("spark-submit");
            Files.writeString(submit, SPARK_SUBMIT);
            Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
            return new SparkHome(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not lay out a Spark installation in " + dir, e);
        }
    }

    /** Jar file name → jar, first occurrence wins (the same jar may be listed by several scopes). */
    private static Map<String, Path> jars(List<Path> classpathFiles) throws IOException {
        Map<String, Path> byName = new LinkedHashMap<>();
        for (Path file : classpathFiles) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException(file + " is missing; it is written by `mvn package`"
                        + " (maven-dependency-plugin build-classpath), which must run before the integration tests");
            }
            for (String entry : Files.readString(file).trim().split(java.io.File.pathSeparator)) {
                if (entry.endsWith(".jar")) {
                    Path jar = Path.of(entry);
                    byName.putIfAbsent(jar.getFileName().toString(), jar);
                }
            }
        }
        if (byName.keySet().stream().noneMatch(n -> n.startsWith("spark-core_"))) {
            throw new IllegalStateException("no spark-core jar in " + classpathFiles);
        }
        return byName;
    }

    /**
     * Removes the links to the local Maven repository (a temporary-directory cleanup would warn about each one);
     * the jars themselves stay.
     */
    @Override
    public void close() {
        try (var links = Files.list(home.resolve("jars"))) {
            for (Path link : (Iterable<Path>) links::iterator) {
                Files.deleteIfExists(link);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the jar links in " + home, e);
        }
    }

    String jarsGlob() {
        return home.resolve("jars") + "/*";
    }

    Path sparkSubmit() {
        return home.resolve("bin/spark-submit");
    }

    /** The environment every Spark process of the cluster gets. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SPARK_HOME", home.toString());
        // Without it executors fail with "Cannot find any build directories".
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("TF_CPP_MIN_LOG_LEVEL", "2");
        return env;
    }

    static List<String> javaCommand(Path jvmOptions, String heap, String classpath, String mainClass) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("@" + jvmOptions);
        cmd.add("-Xmx" + heap);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        return cmd;
    }
}
