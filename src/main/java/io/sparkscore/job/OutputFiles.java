package io.sparkscore.job;

import io.sparkscore.ml.JobException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Files sparkscore writes beside the scored data (summary, calibration report and chart), through the Hadoop
 * FileSystem API so they land wherever the output does. Names start with {@code _} so that Spark and other readers of
 * the output directory skip them.
 */
public final class OutputFiles {

    /** Writes into an open stream; may throw I/O errors. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private OutputFiles() {
    }

    public static boolean exists(String path, Configuration conf) {
        try {
            Path p = new Path(path);
            return p.getFileSystem(conf).exists(p);
        } catch (IOException e) {
            throw new JobFailedException("cannot check whether " + path + " exists: " + e.getMessage()
                    + "; check that the file system is reachable and the path readable", e);
        }
    }

    public static void writeText(String dir, String name, String text, Configuration conf) {
        write(dir, name, out -> out.write(text.getBytes(StandardCharsets.UTF_8)), conf);
    }

    public static void write(String dir, String name, Writer writer, Configuration conf) {
        Path target = new Path(dir, name);
        try {
            FileSystem fs = target.getFileSystem(conf);
            try (FSDataOutputStream out = fs.create(target, true)) {
                writer.writeTo(out);
            }
        } catch (IOException e) {
            throw new JobFailedException("cannot write " + target + " (" + e.getMessage() + "); check that the"
                    + " location is writable", e);
        }
    }
}
