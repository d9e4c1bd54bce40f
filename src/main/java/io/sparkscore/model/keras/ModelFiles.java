package io.sparkscore.model.keras;

import io.sparkscore.model.ModelFormatException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Opens model files through the Hadoop FileSystem API, so {@code file:}, {@code hdfs://} and {@code s3a://} work
 * alike; a path without a scheme resolves against the configured default file system, as everywhere in Hadoop.
 */
final class ModelFiles {

    private ModelFiles() {
    }

    /** Opens a regular file for reading; the caller closes the stream. */
    static BufferedInputStream open(String pathOrUri, Configuration conf) {
        try {
            Path path = new Path(pathOrUri);
            FileSystem fs = path.getFileSystem(conf);
            FileStatus status;
            try {
                status = fs.getFileStatus(path);
            } catch (FileNotFoundException e) {
                throw new ModelFormatException(pathOrUri, "the model file does not exist; check the path (a path "
                        + "without a scheme is resolved against the default file system " + fs.getUri() + ")", e);
            }
            if (status.isDirectory()) {
                throw new ModelFormatException(pathOrUri, "is a directory, not a Keras model file; pass a .keras file "
                        + "(Keras 3) or an .h5 file, or a TensorFlow SavedModel directory (one holding saved_model.pb)");
            }
            InputStream in = fs.open(path);
            return new BufferedInputStream(in, 1 << 16);
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFormatException(pathOrUri, "cannot be opened (" + e.getMessage() + ")", e);
        }
    }

    /** The first {@code n} bytes, leaving the stream where it was. */
    static byte[] peek(BufferedInputStream in, int n) throws IOException {
        in.mark(n);
        byte[] head = in.readNBytes(n);
        in.reset();
        return head;
    }

    /** The file's base name without extension, the model's name when its config has none. */
    static String baseName(String pathOrUri) {
        String n = new Path(pathOrUri).getName();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
