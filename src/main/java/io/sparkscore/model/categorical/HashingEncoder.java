package io.sparkscore.model.categorical;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Keras' {@code Hashing} layer: a value (an integer as its decimal string) hashed with Fingerprint64, or with
 * SipHash-2-4 keyed by the salt when there is one ({@code salt=s} means the key {@code [s, s]}), modulo the bins;
 * with a {@code mask_value} (and more than one bin) the mask goes to bin 0 and the others to
 * {@code 1 + hash mod (num_bins - 1)}.
 */
public final class HashingEncoder implements CategoryEncoder {

    private final ValueKind kind;
    private final int hashBins;
    private final Object mask;
    private final long[] key;

    private HashingEncoder(ValueKind kind, int hashBins, Object mask, long[] key) {
        this.kind = kind;
        this.hashBins = hashBins;
        this.mask = mask;
        this.key = key;
    }

    /** The encoder of a Hashing layer reading values of {@code kind}. */
    public static HashingEncoder of(LayerSpec layer, ValueKind kind) {
        LayerConfig c = layer.config();
        int bins = numBins(c);
        Object mask = c.raw("mask_value");
        if (mask != null) {
            mask = kind == ValueKind.STRING ? stringMask(c, mask) : integerMask(c, mask);
        }
        boolean masked = mask != null && bins > 1;
        return new HashingEncoder(kind, masked ? bins - 1 : bins, masked ? mask : null, salt(c));
    }

    /** {@code num_bins}, positive and small enough for exact float32 indices. */
    public static int numBins(LayerConfig c) {
        int bins = c.requireInt("num_bins");
        if (bins < 1 || bins > Vocabulary.MAX_INDICES) {
            throw c.unsupported("num_bins=" + bins + " is outside 1.." + Vocabulary.MAX_INDICES + " (indices travel"
                    + " as float32, exact up to 2^24)");
        }
        return bins;
    }

    private static Object stringMask(LayerConfig c, Object mask) {
        if (!(mask instanceof String)) {
            throw c.unsupported("mask_value " + mask + " is not a string, but the layer hashes strings");
        }
        return mask;
    }

    private static Object integerMask(LayerConfig c, Object mask) {
        Long l = Vocabulary.exactLong(mask);
        if (l == null) {
            throw c.unsupported("mask_value " + mask + " is not an integer, but the layer hashes integers");
        }
        return l;
    }

    private static long[] salt(LayerConfig c) {
        Object s = c.raw("salt");
        if (s == null) {
            return null;
        }
        if (s instanceof List<?> l && l.size() == 2) {
            return new long[] {saltPart(c, l.get(0)), saltPart(c, l.get(1))};
        }
        long one = saltPart(c, s);
        return new long[] {one, one};
    }

    /** A salt half as the uint64 TensorFlow's key holds (its low 64 bits). */
    private static long saltPart(LayerConfig c, Object v) {
        if (v instanceof java.math.BigInteger b && b.signum() >= 0 && b.bitLength() <= 64) {
            return b.longValue();
        }
        Long l = Vocabulary.exactLong(v);
        if (l == null) {
            throw c.unsupported("salt " + c.raw("salt") + " should be an integer or a list of 2 integers");
        }
        return l;
    }

    @Override
    public ValueKind takes() {
        return kind;
    }

    @Override
    public float encode(String value) {
        if (mask != null && mask.equals(value)) {
            return 0;
        }
        return bin(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public float encode(long value) {
        if (mask != null && mask.equals(value)) {
            return 0;
        }
        return bin(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
    }

    private float bin(byte[] bytes) {
        long b = key == null ? Fingerprint64.bucket(bytes, hashBins)
                : SipHash24.bucket(key[0], key[1], bytes, hashBins);
        return mask != null ? b + 1 : b;
    }
}
