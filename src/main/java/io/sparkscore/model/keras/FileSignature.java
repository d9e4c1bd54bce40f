package io.sparkscore.model.keras;

import java.util.Arrays;
import java.util.HexFormat;

/** What the first bytes of a model file say it is; the file name's extension is never trusted. */
enum FileSignature {
    HDF5,
    ZIP,
    UNKNOWN;

    private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final byte[] ZIP_MAGIC = {'P', 'K'};

    static final int LENGTH = HDF5_MAGIC.length;

    static FileSignature of(byte[] head) {
        if (head.length >= HDF5_MAGIC.length && Arrays.equals(head, 0, HDF5_MAGIC.length, HDF5_MAGIC, 0,
                HDF5_MAGIC.length)) {
            return HDF5;
        }
        if (head.length >= ZIP_MAGIC.length && head[0] == ZIP_MAGIC[0] && head[1] == ZIP_MAGIC[1]) {
            return ZIP;
        }
        return UNKNOWN;
    }

    /** Hex plus printable characters, for messages: {@code 3c 68 74 6d ("<htm")}. */
    static String describe(byte[] head) {
        if (head.length == 0) {
            return "none, the file is empty";
        }
        StringBuilder text = new StringBuilder();
        for (byte b : head) {
            text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return HexFormat.ofDelimiter(" ").formatHex(head) + " (\"" + text + "\")";
    }
}
