package io.sparkscore.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Versions of sparkscore and of the engines it was built against, for run summaries and plan keys. */
public final class BuildInfo {

    private static final Properties PROPS = load();

    private BuildInfo() {
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/io/sparkscore/build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public static String sparkscoreVersion() {
        return PROPS.getProperty("sparkscore.version", "unknown");
    }

    /** {@code linux-x86_64} (CPU) or {@code linux-x86_64-gpu} (the {@code -Pgpu} build). */
    public static String tensorflowNativeClassifier() {
        return PROPS.getProperty("tensorflow.native.classifier", "unknown");
    }

    public static String tensorflowJavaVersion() {
        return PROPS.getProperty("tensorflow.java.version", "unknown");
    }
}
