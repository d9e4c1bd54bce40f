package io.sparkscore.model.keras;

import io.sparkscore.model.ModelSpec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Builds the hostile {@code .keras} archives the reader must refuse, starting from the project's own writer output:
 * decompression bombs, archives with too many or duplicate entries, entries whose header lies about their size.
 */
final class HostileArchives {

    static final long GIB = 1L << 30;

    private HostileArchives() {
    }

    /** The entries {@link KerasArchiveWriter} writes for {@code spec}, in order. */
    static Map<String, byte[]> entriesOf(ModelSpec spec) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        KerasArchiveWriter.write(spec, bytes);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    /** Writes the entries as a zip, each either deflated (sizes after the data) or stored (sizes in the header). */
    static Path zip(Path target, Map<String, byte[]> entries, boolean stored) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(target))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                if (stored) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return target;
    }

    /**
     * The writer's config.json and metadata.json, then a deflated {@code model.weights.h5} of {@code size} bytes:
     * {@code prefix} followed by zeros. A 3 GiB entry takes about 3 MB in the archive.
     */
    static Path bomb(Path target, ModelSpec spec, byte[] prefix, long size) throws IOException {
        Map<String, byte[]> entries = entriesOf(spec);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(target))) {
            zip.setLevel(Deflater.BEST_SPEED);
            for (String name : new String[] {"metadata.json", "config.json"}) {
                zip.putNextEntry(new ZipEntry(name));
                zip.write(entries.get(name));
                zip.closeEntry();
            }
            zip.putNextEntry(new ZipEntry("model.weights.h5"));
            zip.write(prefix);
            writeZeros(zip, size - prefix.length);
            zip.closeEntry();
        }
        return target;
    }

    private static void writeZeros(OutputStream out, long n) throws IOException {
        byte[] zeros = new byte[1 << 20];
        for (long left = n; left > 0; left -= zeros.length) {
            out.write(zeros, 0, (int) Math.min(zeros.length, left));
        }
    }

    /**
     * Writes the entries deflated with their sizes in the local headers (as Python's zipfile does), then makes
     * {@code liar}'s local header declare {@code declaredSize} uncompressed bytes.
     */
    static Path zipDeclaring(Path target, Map<String, byte[]> entries, String liar, int declaredSize)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                entry.setSize(e.getValue().length);
                entry.setCompressedSize(deflatedSize(e.getValue()));
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        byte[] data = bytes.toByteArray();
        byte[] name = liar.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 30 + name.length <= data.length; i++) {
            boolean header = data[i] == 'P' && data[i + 1] == 'K' && data[i + 2] == 3 && data[i + 3] == 4;
            if (header && java.util.Arrays.equals(data, i + 30, i + 30 + name.length, name, 0, name.length)) {
                ByteBuffer.wrap(data, i + 22, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(declaredSize);
            }
        }
        return Files.write(target, data);
    }

    private static long deflatedSize(byte[] data) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(data);
            deflater.finish();
            byte[] buffer = new byte[8192];
            long n = 0;
            while (!deflater.finished()) {
                n += deflater.deflate(buffer);
            }
            return n;
        } finally {
            deflater.end();
        }
    }

    /** Replaces every occurrence of {@code from} by {@code to} (same length): file names in headers, for example. */
    static byte[] replaceBytes(byte[] data, String from, String to) {
        byte[] a = from.getBytes(StandardCharsets.UTF_8);
        byte[] b = to.getBytes(StandardCharsets.UTF_8);
        if (a.length != b.length) {
            throw new IllegalArgumentException("replacement must keep the length");
        }
        byte[] r = data.clone();
        outer:
        for (int i = 0; i + a.length <= r.length; i++) {
            for (int j = 0; j < a.length; j++) {
                if (r[i + j] != a[j]) {
                    continue outer;
                }
            }
            System.arraycopy(b, 0, r, i, b.length);
        }
        return r;
    }
}
