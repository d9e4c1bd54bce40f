package io.sparkscore.model.keras;

import io.jhdf.HdfFile;
import io.sparkscore.model.ModelFormatException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An HDF5 file streamed out of a model file (an {@code .h5} file, or a {@code .keras} archive's
 * {@code model.weights.h5}): its signature is checked from the first bytes written, before anything else is kept; it
 * stays in memory while small and moves to a local temporary file once it passes
 * {@link ReadLimits#IN_MEMORY_WEIGHTS_BYTES}, so a large model never needs its file and its weights in the heap at
 * once. Not thread-safe; {@link #close()} deletes the temporary file and is idempotent.
 */
final class SpooledHdf5 extends OutputStream {

    private final String file;
    private final String what;
    private final byte[] head = new byte[FileSignature.LENGTH];
    private ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private Path spilled;
    private OutputStream out = memory;
    private long size;

    /** @param what the part of {@code file} that should be HDF5, for messages */
    SpooledHdf5(String file, String what) {
        this.file = file;
        this.what = what;
    }

    /** Streams a whole HDF5 file in; the caller closes the result. */
    static SpooledHdf5 copyOf(InputStream in, String file, String what) throws IOException {
        SpooledHdf5 spool = new SpooledHdf5(file, what);
        try {
            in.transferTo(spool);
            return spool;
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (size < head.length) {
            int n = (int) Math.min(len, head.length - size);
            System.arraycopy(b, off, head, (int) size, n);
            if (size + n == head.length) {
                requireSignature(head);
            }
        }
        if (spilled == null && size + len > ReadLimits.IN_MEMORY_WEIGHTS_BYTES) {
            spilled = Files.createTempFile("sparkscore-model-", ".h5");
            out = Files.newOutputStream(spilled);
            memory.writeTo(out);
            memory = null;
        }
        out.write(b, off, len);
        size += len;
    }

    private void requireSignature(byte[] first) {
        if (FileSignature.of(first) != FileSignature.HDF5) {
            throw new ModelFormatException(file, what + " is not an HDF5 file (first bytes were "
                    + FileSignature.describe(first) + ")");
        }
    }

    /** Opens what was written as HDF5; the caller closes the result before closing this. */
    HdfFile open() throws IOException {
        if (size < head.length) {
            requireSignature(Arrays.copyOf(head, (int) size));
        }
        if (spilled == null) {
            return HdfFile.fromBytes(memory.toByteArray());
        }
        out.close();
        return new HdfFile(spilled);
    }

    @Override
    public void close() throws IOException {
        out.close();
        if (spilled != null) {
            Files.deleteIfExists(spilled);
            spilled = null;
        }
        memory = null;
    }
}
