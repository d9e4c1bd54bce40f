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

    static final int GIB_IN_MIB = 1024;

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
     * The writer's metadata.json and config.json (stored), then a deflated {@code model.weights.h5}: {@code prefix}
     * followed by {@code zeroMiB} MiB of zeros. The zeros are one compressed block repeated, so a 3 GiB entry is
     * written in a second or two and takes about 3 MB. The archive is a valid zip: sizes and CRCs are right.
     */
    static Path bomb(Path target, ModelSpec spec, byte[] prefix, int zeroMiB) throws IOException {
        Map<String, byte[]> entries = entriesOf(spec);
        byte[] zeros = new byte[1 << 20];
        CRC32 crc = new CRC32();
        crc.update(prefix);
        for (int i = 0; i < zeroMiB; i++) {
            crc.update(zeros);
        }
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] head;
        byte[] block;
        byte[] tail;
        try {
            head = deflate(deflater, prefix, false);
            block = deflate(deflater, zeros, false);
            tail = deflate(deflater, new byte[0], true);
        } finally {
            deflater.end();
        }
        long compressed = head.length + (long) block.length * zeroMiB + tail.length;
        long size = prefix.length + ((long) zeroMiB << 20);
        try (RawZip zip = new RawZip(Files.newOutputStream(target))) {
            for (String name : new String[] {"metadata.json", "config.json"}) {
                byte[] data = entries.get(name);
                CRC32 c = new CRC32();
                c.update(data);
                zip.entry(name, 0, c.getValue(), data.length, data.length);
                zip.out.write(data);
            }
            zip.entry("model.weights.h5", 8, crc.getValue(), compressed, size);
            zip.out.write(head);
            for (int i = 0; i < zeroMiB; i++) {
                zip.out.write(block);
            }
            zip.out.write(tail);
        }
        return target;
    }

    /** Raw deflate of {@code data}, ending byte-aligned and self-contained (full flush), or the final block. */
    private static byte[] deflate(Deflater deflater, byte[] data, boolean last) {
        deflater.setInput(data);
        if (last) {
            deflater.finish();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, last ? Deflater.NO_FLUSH : Deflater.FULL_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length || (last && !deflater.finished()));
        return out.toByteArray();
    }

    /** A minimal zip writer for entries whose compressed bytes are given: local headers, then the directory. */
    private static final class RawZip implements AutoCloseable {
        final java.io.DataOutputStream out;
        private final ByteArrayOutputStream directory = new ByteArrayOutputStream();
        private int count;

        RawZip(OutputStream target) {
            this.out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(target, 1 << 16));
        }

        void entry(String name, int method, long crc, long compressed, long size) throws IOException {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            long offset = out.size();
            ByteBuffer local = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
            local.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) method)
                    .putInt(0).putInt((int) crc).putInt((int) compressed).putInt((int) size)
                    .putShort((short) n.length).putShort((short) 0);
            out.write(local.array());
            out.write(n);
            ByteBuffer central = ByteBuffer.allocate(46).order(ByteOrder.LITTLE_ENDIAN);
            central.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0)
                    .putShort((short) method).putInt(0).putInt((int) crc).putInt((int) compressed).putInt((int) size)
                    .putShort((short) n.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putInt(0).putInt((int) offset);
            directory.write(central.array());
            directory.write(n);
            count++;
        }

        @Override
        public void close() throws IOException {
            long start = Integer.toUnsignedLong(out.size());
            byte[] dir = directory.toByteArray();
            out.write(dir);
            ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
            end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) count)
                    .putShort((short) count).putInt(dir.length).putInt((int) start).putShort((short) 0);
            out.write(end.array());
            out.close();
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
