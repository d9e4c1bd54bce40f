package io.sparkscore.calibration;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Calibration reports kept in a Hadoop FS directory, keyed by model hash and {@link HardwareSignature}, so that a
 * scheduled rerun of the same model on the same hardware reuses its plan instead of measuring again.
 *
 * <p>Entries are written to a temporary name and renamed, so a reader never sees half a file. An unreadable entry
 * (e.g. written by an incompatible sparkscore version) counts as absent.
 */
public final class PlanStore {

    private final Path dir;
    private final Configuration conf;

    public PlanStore(String directory, Configuration conf) {
        this.dir = new Path(directory);
        this.conf = conf;
    }

    /**
     * @param planKey the model hash plus any constraint on the plan (fixed batch size or path)
     */
    public Optional<CalibrationReport> find(String planKey, HardwareSignature hardware) {
        Path file = entry(planKey, hardware);
        try {
            FileSystem fs = file.getFileSystem(conf);
            if (!fs.exists(file)) {
                return Optional.empty();
            }
            try (FSDataInputStream in = fs.open(file); ObjectInputStream objects = new ObjectInputStream(in)) {
                return Optional.of((CalibrationReport) objects.readObject());
            }
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            return Optional.empty();
        }
    }

    public void save(String planKey, HardwareSignature hardware, CalibrationReport report) {
        Path file = entry(planKey, hardware);
        Path tmp = new Path(dir, "." + file.getName() + "." + System.nanoTime() + ".tmp");
        try {
            FileSystem fs = file.getFileSystem(conf);
            fs.mkdirs(dir);
            try (FSDataOutputStream out = fs.create(tmp, true); ObjectOutputStream objects = new ObjectOutputStream(out)) {
                objects.writeObject(report);
            }
            fs.delete(file, false);
            if (!fs.rename(tmp, file)) {
                fs.delete(tmp, false);
                throw new IOException("rename of " + tmp + " to " + file + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the calibration plan to " + file
                    + "; check that the plan store directory is writable (--plan-store)", e);
        }
    }

    private Path entry(String planKey, HardwareSignature hardware) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(planKey.getBytes(StandardCharsets.UTF_8));
            return new Path(dir, HexFormat.of().formatHex(digest, 0, 12) + "-" + hardware.key() + ".plan");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
