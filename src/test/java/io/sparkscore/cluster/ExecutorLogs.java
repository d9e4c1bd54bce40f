package io.sparkscore.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The logs a standalone Worker keeps for its executors: {@code <work dir>/<app id>/<executor id>/stderr}.
 */
final class ExecutorLogs {

    private ExecutorLogs() {
    }

    /** Every executor stderr under a Worker's work directory; none yet gives an empty list. */
    static List<Path> stderrFiles(Path workDir) {
        if (!Files.isDirectory(workDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(workDir, 3)) {
            return files.filter(f -> f.getFileName().toString().equals("stderr")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + workDir, e);
        }
    }

    /** How many lines of an executor's log contain {@code text}; 0 when the log is not there yet. */
    static long count(Path stderr, String text) {
        try (Stream<String> lines = Files.lines(stderr, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(text)).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** Copies every executor log of a Worker to {@code target} as {@code <app id>-<executor id>.stderr}. */
    static void copy(Path workDir, Path target) {
        try {
            for (Path stderr : stderrFiles(workDir)) {
                Path execDir = stderr.getParent();
                Files.createDirectories(target);
                Files.copy(stderr, target.resolve(execDir.getParent().getFileName() + "-" + execDir.getFileName()
                        + ".stderr"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy the executor logs of " + workDir, e);
        }
    }
}
