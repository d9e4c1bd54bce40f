package io.sparkscore.cluster;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Gives test classes one {@link TestCluster} per test run: starting a Master and two Workers costs seconds on a
 * 2-core machine, so the integration test classes share it. JUnit closes it (every process killed by PID, its
 * temporary folder deleted) when the run ends, whether the tests passed or not.
 *
 * <p>Use: {@code @ExtendWith(ClusterExtension.class)} and a {@code TestCluster} parameter on {@code @BeforeAll}.
 */
final class ClusterExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.create(ClusterExtension.class))
                .getOrComputeIfAbsent(TestCluster.class, k -> TestCluster.start(), TestCluster.class);
    }

    /** The shared cluster and the Spark installation it runs from. */
    record TestCluster(SparkHome sparkHome, StandaloneCluster cluster, Path tempDir) implements AutoCloseable {

        static TestCluster start() {
            Path temp;
            try {
                temp = Files.createTempDirectory("sparkscore-cluster-");
            } catch (IOException e) {
                throw new UncheckedIOException("no temporary folder for the test cluster", e);
            }
            SparkHome home = SparkHome.create(temp.resolve("spark-home"), ClusterTesting.classpathFiles());
            try {
                StandaloneCluster cluster = StandaloneCluster.start(home, ClusterTesting.jvmOptions(),
                        ClusterTesting.logDir("cluster"), temp.resolve("workers"), 2, 1, "1g");
                // Should the test JVM itself be stopped (a build timeout, Ctrl-C), JUnit never closes the store.
                Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "stop-test-cluster"));
                return new TestCluster(home, cluster, temp);
            } catch (RuntimeException | Error e) {
                home.close();
                delete(temp);
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                cluster.close();
            } finally {
                sparkHome.close();
                delete(tempDir);
            }
        }

        /** Deletes a folder tree without following links. */
        private static void delete(Path dir) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete " + dir, e);
            }
        }
    }
}
