package io.sparkscore.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One {@link LoopbackHdfs} for a test class, in a temporary directory of its own: started before the class's first
 * test, stopped and removed after its last. Register it on a static field with {@code @RegisterExtension}.
 */
public final class LoopbackHdfsExtension implements BeforeAllCallback, AfterAllCallback {

    private Path baseDir;
    private LoopbackHdfs hdfs;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        baseDir = Files.createTempDirectory("loopback-hdfs");
        hdfs = LoopbackHdfs.start(baseDir);
    }

    /** The running HDFS; only between the class's first and last test. */
    public LoopbackHdfs get() {
        if (hdfs == null) {
            throw new IllegalStateException("HDFS runs only while the test class runs; register with"
                    + " @RegisterExtension on a static field");
        }
        return hdfs;
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (hdfs != null) {
                hdfs.close();
            }
        } finally {
            hdfs = null;
            if (baseDir != null) {
                try (Stream<Path> files = Files.walk(baseDir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }
}
