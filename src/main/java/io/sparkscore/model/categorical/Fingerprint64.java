package io.sparkscore.model.categorical;

/**
 * TensorFlow's {@code Fingerprint64} of a byte string: FarmHash's {@code farmhashna::Hash64}, the hash behind
 * {@code tf.strings.to_hash_bucket_fast}, Keras' unsalted {@code Hashing} layer and the OOV buckets of
 * {@code StringLookup}. Written from the published algorithm; a test checks it against Guava's
 * {@code farmHashFingerprint64} and TensorFlow's published bucket values. Stateless.
 */
public final class Fingerprint64 {

    private static final long K0 = 0xc3a5c85c97cb3127L;
    private static final long K1 = 0xb492b66fbe98f273L;
    private static final long K2 = 0x9ae16a3b2f90404fL;

    private Fingerprint64() {
    }

    /** The 64-bit fingerprint of {@code s}, as an unsigned value held in a long. */
    public static long of(byte[] s) {
        int len = s.length;
        if (len <= 16) {
            return len0to16(s, len);
        }
        if (len <= 32) {
            return len17to32(s, len);
        }
        if (len <= 64) {
            return len33to64(s, len);
        }
        return longer(s, len);
    }

    /** {@code Fingerprint64(s) mod buckets}, unsigned, as TensorFlow's hash bucket ops take it. */
    public static long bucket(byte[] s, long buckets) {
        return Long.remainderUnsigned(of(s), buckets);
    }

    /**
     * TensorFlow's {@code FingerprintCat64(fp1, fp2)}, which folds one feature's hash into a running one: how its
     * hashed sparse cross (Keras' {@code HashedCrossing}) combines features.
     */
    public static long cat(long fp1, long fp2) {
        final long mul = 0xc6a4a7935bd1e995L;
        long result = fp1 ^ mul;
        result ^= shiftMix(fp2 * mul) * mul;
        result *= mul;
        result = shiftMix(result) * mul;
        return shiftMix(result);
    }

    private static long fetch64(byte[] s, int i) {
        return (s[i] & 0xffL) | (s[i + 1] & 0xffL) << 8 | (s[i + 2] & 0xffL) << 16 | (s[i + 3] & 0xffL) << 24
                | (s[i + 4] & 0xffL) << 32 | (s[i + 5] & 0xffL) << 40 | (s[i + 6] & 0xffL) << 48
                | (s[i + 7] & 0xffL) << 56;
    }

    private static long fetch32(byte[] s, int i) {
        return (s[i] & 0xffL) | (s[i + 1] & 0xffL) << 8 | (s[i + 2] & 0xffL) << 16 | (s[i + 3] & 0xffL) << 24;
    }

    private static long shiftMix(long v) {
        return v ^ (v >>> 47);
    }

    private static long hashLen16(long u, long v, long mul) {
        long a = (u ^ v) * mul;
        a ^= a >>> 47;
        long b = (v ^ a) * mul;
        b ^= b >>> 47;
        return b * mul;
    }

    private static long len0to16(byte[] s, int len) {
        if (len >= 8) {
            long mul = K2 + len * 2L;
            long a = fetch64(s, 0) + K2;
            long b = fetch64(s, len - 8);
            long c = Long.rotateRight(b, 37) * mul + a;
            long d = (Long.rotateRight(a, 25) + b) * mul;
            return hashLen16(c, d, mul);
        }
        if (len >= 4) {
            long mul = K2 + len * 2L;
            long a = fetch32(s, 0);
            return hashLen16(len + (a << 3), fetch32(s, len - 4), mul);
        }
        if (len > 0) {
            long a = s[0] & 0xff;
            long b = s[len >> 1] & 0xff;
            long c = s[len - 1] & 0xff;
            long y = a + (b << 8);
            long z = len + (c << 2);
            return shiftMix(y * K2 ^ z * K0) * K2;
        }
        return K2;
    }

    private static long len17to32(byte[] s, int len) {
        long mul = K2 + len * 2L;
        long a = fetch64(s, 0) * K1;
        long b = fetch64(s, 8);
        long c = fetch64(s, len - 8) * mul;
        long d = fetch64(s, len - 16) * K2;
        return hashLen16(Long.rotateRight(a + b, 43) + Long.rotateRight(c, 30) + d,
                a + Long.rotateRight(b + K2, 18) + c, mul);
    }

    private static long len33to64(byte[] s, int len) {
        long mul = K2 + len * 2L;
        long a = fetch64(s, 0) * K2;
        long b = fetch64(s, 8);
        long c = fetch64(s, len - 8) * mul;
        long d = fetch64(s, len - 16) * K2;
        long y = Long.rotateRight(a + b, 43) + Long.rotateRight(c, 30) + d;
        long z = hashLen16(y, a + Long.rotateRight(b + K2, 18) + c, mul);
        long e = fetch64(s, 16) * mul;
        long f = fetch64(s, 24);
        long g = (y + fetch64(s, len - 32)) * mul;
        long h = (z + fetch64(s, len - 24)) * mul;
        return hashLen16(Long.rotateRight(e + f, 43) + Long.rotateRight(g, 30) + h,
                e + Long.rotateRight(f + a, 18) + g, mul);
    }

    /** Inputs over 64 bytes: 64-byte blocks through two 32-byte weak hashes, then the last 64 bytes. */
    private static long longer(byte[] s, int len) {
        long seed = 81;
        long x = seed;
        long y = seed * K1 + 113;
        long z = shiftMix(y * K2 + 113) * K2;
        long[] v = new long[2];
        long[] w = new long[2];
        x = x * K2 + fetch64(s, 0);
        int end = ((len - 1) / 64) * 64;
        int last64 = end + ((len - 1) & 63) - 63;
        int p = 0;
        do {
            x = Long.rotateRight(x + y + v[0] + fetch64(s, p + 8), 37) * K1;
            y = Long.rotateRight(y + v[1] + fetch64(s, p + 48), 42) * K1;
            x ^= w[1];
            y += v[0] + fetch64(s, p + 40);
            z = Long.rotateRight(z + w[0], 33) * K1;
            weakHashLen32WithSeeds(s, p, v[1] * K1, x + w[0], v);
            weakHashLen32WithSeeds(s, p + 32, z + w[1], y + fetch64(s, p + 16), w);
            long t = z;
            z = x;
            x = t;
            p += 64;
        } while (p != end);
        long mul = K1 + ((z & 0xff) << 1);
        p = last64;
        w[0] += (len - 1) & 63;
        v[0] += w[0];
        w[0] += v[0];
        x = Long.rotateRight(x + y + v[0] + fetch64(s, p + 8), 37) * mul;
        y = Long.rotateRight(y + v[1] + fetch64(s, p + 48), 42) * mul;
        x ^= w[1] * 9;
        y += v[0] * 9 + fetch64(s, p + 40);
        z = Long.rotateRight(z + w[0], 33) * mul;
        weakHashLen32WithSeeds(s, p, v[1] * mul, x + w[0], v);
        weakHashLen32WithSeeds(s, p + 32, z + w[1], y + fetch64(s, p + 16), w);
        long t = z;
        z = x;
        x = t;
        return hashLen16(hashLen16(v[0], w[0], mul) + shiftMix(y) * K0 + z, hashLen16(v[1], w[1], mul) + x, mul);
    }

    /** Writes the pair (first, second) of FarmHash's WeakHashLen32WithSeeds over s[p, p + 32) into {@code out}. */
    private static void weakHashLen32WithSeeds(byte[] s, int p, long a, long b, long[] out) {
        long w = fetch64(s, p);
        long x = fetch64(s, p + 8);
        long y = fetch64(s, p + 16);
        long z = fetch64(s, p + 24);
        a += w;
        b = Long.rotateRight(b + a + z, 21);
        long c = a;
        a += x;
        a += y;
        b += Long.rotateRight(a, 44);
        out[0] = a + z;
        out[1] = b + c;
    }
}
