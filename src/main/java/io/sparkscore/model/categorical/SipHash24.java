package io.sparkscore.model.categorical;

/**
 * SipHash-2-4 with a 128-bit key given as two 64-bit halves: the keyed hash behind TensorFlow's
 * {@code tf.strings.to_hash_bucket_strong(input, num_buckets, key=[k0, k1])}, which Keras' {@code Hashing} layer
 * uses when it has a {@code salt}. Written from the SipHash paper; a test checks it against Guava's
 * {@code sipHash24} and Keras' documented salted examples. Stateless.
 */
public final class SipHash24 {

    private SipHash24() {
    }

    /** The 64-bit SipHash-2-4 of {@code s} under key (k0, k1), as an unsigned value held in a long. */
    public static long of(long k0, long k1, byte[] s) {
        long v0 = 0x736f6d6570736575L ^ k0;
        long v1 = 0x646f72616e646f6dL ^ k1;
        long v2 = 0x6c7967656e657261L ^ k0;
        long v3 = 0x7465646279746573L ^ k1;
        long[] v = {v0, v1, v2, v3};
        int len = s.length;
        int blocks = len / 8 * 8;
        for (int i = 0; i < blocks; i += 8) {
            long m = 0;
            for (int k = 7; k >= 0; k--) {
                m = m << 8 | (s[i + k] & 0xffL);
            }
            v[3] ^= m;
            round(v);
            round(v);
            v[0] ^= m;
        }
        long last = (len & 0xffL) << 56;
        for (int k = len - blocks - 1; k >= 0; k--) {
            last |= (s[blocks + k] & 0xffL) << (8 * k);
        }
        v[3] ^= last;
        round(v);
        round(v);
        v[0] ^= last;
        v[2] ^= 0xff;
        for (int r = 0; r < 4; r++) {
            round(v);
        }
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    /** {@code SipHash24(key, s) mod buckets}, unsigned, as {@code to_hash_bucket_strong} takes it. */
    public static long bucket(long k0, long k1, byte[] s, long buckets) {
        return Long.remainderUnsigned(of(k0, k1, s), buckets);
    }

    private static void round(long[] v) {
        v[0] += v[1];
        v[1] = Long.rotateLeft(v[1], 13);
        v[1] ^= v[0];
        v[0] = Long.rotateLeft(v[0], 32);
        v[2] += v[3];
        v[3] = Long.rotateLeft(v[3], 16);
        v[3] ^= v[2];
        v[0] += v[3];
        v[3] = Long.rotateLeft(v[3], 21);
        v[3] ^= v[0];
        v[2] += v[1];
        v[1] = Long.rotateLeft(v[1], 17);
        v[1] ^= v[2];
        v[2] = Long.rotateLeft(v[2], 32);
    }
}
