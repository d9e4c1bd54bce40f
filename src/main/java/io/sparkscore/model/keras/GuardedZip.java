package io.sparkscore.model.keras;

import io.sparkscore.model.ModelFormatException;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Streams the entries of an untrusted zip archive once, checking as the bytes come rather than after: the number of
 * entries, duplicate names, each entry's size against what its header declares and against a cap, and its
 * compression ratio, so a decompression bomb is refused after a megabyte of output instead of filling the heap.
 * Not thread-safe; closing it closes the underlying stream.
 */
final class GuardedZip implements AutoCloseable {

    private final String file;
    private final CountingStream raw;
    private final ZipInputStream zip;
    private final Set<String> names = new HashSet<>();
    private ZipEntry current;
    private long currentStartedAt;

    GuardedZip(InputStream in, String file) {
        this.file = file;
        this.raw = new CountingStream(in);
        this.zip = new ZipInputStream(raw, StandardCharsets.UTF_8);
    }

    /** The next entry, or null at the end of the archive. */
    ZipEntry next() throws IOException {
        current = zip.getNextEntry();
        if (current == null) {
            return null;
        }
        if (names.size() >= ReadLimits.MAX_ZIP_ENTRIES) {
            throw refuse("has more than " + ReadLimits.MAX_ZIP_ENTRIES + " zip entries, far more than a Keras"
                    + " archive holds");
        }
        if (!names.add(current.getName())) {
            throw refuse("holds the zip entry '" + current.getName() + "' twice, so which one counts would be a"
                    + " guess");
        }
        currentStartedAt = raw.count;
        return current;
    }

    /** The current entry as UTF-8 text of at most {@code maxBytes}. */
    String text(long maxBytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        copyTo(bytes, maxBytes);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Reads the rest of the current entry without keeping it (entries a forward pass does not need). */
    void skip() throws IOException {
        copyTo(OutputStream.nullOutputStream(), Long.MAX_VALUE);
    }

    /** Copies the current entry to {@code out}, refusing it as soon as it breaks a limit. */
    void copyTo(OutputStream out, long maxBytes) throws IOException {
        byte[] buffer = new byte[64 << 10];
        long declared = current.getSize();
        long written = 0;
        int n;
        while ((n = zip.read(buffer)) > 0) {
            written += n;
            if (declared >= 0 && written > declared) {
                throw refuse("zip entry '" + current.getName() + "' declares " + declared + " bytes but holds more");
            }
            if (written > maxBytes) {
                throw refuse("zip entry '" + current.getName() + "' is larger than the " + maxBytes + " bytes"
                        + " sparkscore reads for it");
            }
            long compressed = Math.max(1, raw.count - currentStartedAt);
            if (written > ReadLimits.RATIO_CHECKED_AFTER_BYTES
                    && written > compressed * ReadLimits.MAX_COMPRESSION_RATIO) {
                throw refuse("zip entry '" + current.getName() + "' inflates " + written + " bytes out of "
                        + compressed + ", more than " + ReadLimits.MAX_COMPRESSION_RATIO + " times its compressed"
                        + " size: a decompression bomb, not a Keras model");
            }
            out.write(buffer, 0, n);
        }
        if (declared >= 0 && written != declared) {
            throw refuse("zip entry '" + current.getName() + "' declares " + declared + " bytes but holds "
                    + written + "; the archive is truncated or was altered");
        }
    }

    private ModelFormatException refuse(String problem) {
        return new ModelFormatException(file, "is refused: it " + problem);
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    /** Counts the compressed bytes the zip reader consumed, for the compression ratio. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
