package io.sparkscore.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Where the build put what the cluster tests need; failsafe passes the project directory. */
final class ClusterTesting {

    private ClusterTesting() {
    }

    static Path projectDir() {
        return Path.of(System.getProperty("sparkscore.project.dir", System.getProperty("user.dir")))
                .toAbsolutePath();
    }

    static Path jvmOptions() {
        return projectDir().resolve("conf/jvm.options");
    }

    /** A fresh {@code target/it-logs/<name>} folder: cluster, driver and executor logs kept after the run. */
    static Path logDir(String name) {
        Path dir = projectDir().resolve("target/it-logs").resolve(name);
        try {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> old = Files.walk(dir)) {
                    for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare " + dir, e);
        }
    }

    /** The spark-submit jar {@code mvn package} built. */
    static Path shadedJar() {
        try (Stream<Path> files = Files.list(projectDir().resolve("target"))) {
            return files.filter(f -> f.getFileName().toString().matches("sparkscore-.*-spark\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no target/sparkscore-*-spark.jar; run mvn package"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compile+provided and runtime classpaths of the build, written by {@code mvn package}. */
    static List<Path> classpathFiles() {
        Path target = projectDir().resolve("target");
        return List.of(target.resolve("classpath.txt"), target.resolve("classpath-runtime.txt"));
    }
}
