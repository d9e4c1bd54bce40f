package io.sparkscore.calibration;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * What a calibration result depends on besides the model: the executor's CPU model and core count, the task's CPU
 * share, whether a GPU is visible, and the versions of the prediction paths. A stored plan is reused only on the same
 * signature.
 */
public record HardwareSignature(String cpuModel, int cores, int taskCpus, String gpu, String engineVersions)
        implements Serializable {

    /** Reads the signature of the JVM this runs in (an executor, during calibration). */
    public static HardwareSignature current(int taskCpus, String engineVersions) {
        return new HardwareSignature(readCpuModel(), Runtime.getRuntime().availableProcessors(), taskCpus, detectGpu(),
                engineVersions);
    }

    private static String readCpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                return lines.filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim())
                        .findFirst()
                        .orElse(System.getProperty("os.arch"));
            } catch (IOException e) {
                return System.getProperty("os.arch");
            }
        }
        return System.getProperty("os.arch");
    }

    /** The NVIDIA devices the OS shows, or {@code none}; detection only, TensorFlow decides what it uses. */
    private static String detectGpu() {
        Path gpus = Path.of("/proc/driver/nvidia/gpus");
        if (!Files.isDirectory(gpus)) {
            return "none";
        }
        try (Stream<Path> list = Files.list(gpus)) {
            return "nvidia x" + list.count();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** A file-name-safe digest of the signature. */
    public String key() {
        String text = String.join("|", cpuModel, Integer.toString(cores), Integer.toString(taskCpus), gpu,
                engineVersions);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
