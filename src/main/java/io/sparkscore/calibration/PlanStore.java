package io.sparkscore.calibration;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Calibration reports kept in a Hadoop FS directory, keyed by model hash and {@link HardwareSignature}, so that a
 * scheduled rerun of the same model on the same hardware reuses its plan instead of measuring again.
 *
 * <p>The directory is typically shared, so whatever it holds is treated as untrusted: entries are versioned JSON
 * ({@link PlanFile}) read within a size limit and checked against the schema; nothing is ever deserialised. An entry
 * that is unreadable, foreign, Java-serialised, of another version or for another key counts as absent, with one
 * warning naming the file. Entries are written to a temporary name and renamed, so a reader never sees half a file.
 */
public final class PlanStore {

    private static final Logger LOG = LoggerFactory.getLogger(PlanStore.class);

    private final Path dir;
    private final Configuration conf;
    private final Consumer<String> warnings;

    public PlanStore(String directory, Configuration conf) {
        this(directory, conf, LOG::warn);
    }

    /** With the warnings about ignored entries sent to {@code warnings}. */
    PlanStore(String directory, Configuration conf, Consumer<String> warnings) {
        this.dir = new Path(directory);
        this.conf = conf;
        this.warnings = warnings;
    }

    /**
     * @param planKey the model hash plus any constraint on the plan (fixed batch size or path)
     */
    public Optional<CalibrationReport> find(String planKey, HardwareSignature hardware) {
        Path file = entry(planKey, hardware);
        byte[] bytes;
        try {
            bytes = readBounded(file);
        } catch (FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            warnings.accept("Ignoring stored plan " + file + ": it cannot be read (" + e.getMessage() + ");"
                    + " calibrating instead");
            return Optional.empty();
        }
        try {
            return Optional.of(PlanFile.read(bytes, planKey, hardware.key()));
        } catch (PlanFile.NotAPlan e) {
            warnings.accept("Ignoring stored plan " + file + ": " + e.getMessage() + "; calibrating instead (the"
                    + " new plan replaces it)");
            return Optional.empty();
        }
    }

    /** @throws CalibrationException when the store cannot be written; the run may go on without storing */
    public void save(String planKey, HardwareSignature hardware, CalibrationReport report) {
        Path file = entry(planKey, hardware);
        Path tmp = new Path(dir, "." + file.getName() + "." + System.nanoTime() + ".tmp");
        byte[] json = PlanFile.write(planKey, hardware.key(), report);
        try {
            FileSystem fs = file.getFileSystem(conf);
            fs.mkdirs(dir);
            try (FSDataOutputStream out = fs.create(tmp, true)) {
                out.write(json);
            }
            fs.delete(file, false);
            if (!fs.rename(tmp, file)) {
                fs.delete(tmp, false);
                throw new IOException("rename of " + tmp + " to " + file + " failed");
            }
        } catch (IOException e) {
            throw new CalibrationException("cannot save the calibration plan to " + file + " (" + e.getMessage()
                    + "); check that the plan store directory is writable (--plan-store)", e);
        }
    }

    /** At most one byte more than a plan may hold, so an oversized file is refused without reading it whole. */
    private byte[] readBounded(Path file) throws IOException {
        FileSystem fs = file.getFileSystem(conf);
        try (FSDataInputStream in = fs.open(file)) {
            return in.readNBytes(PlanFile.MAX_BYTES + 1);
        }
    }

    private Path entry(String planKey, HardwareSignature hardware) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(planKey.getBytes(StandardCharsets.UTF_8));
            return new Path(dir, HexFormat.of().formatHex(digest, 0, 12) + "-" + hardware.key() + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
