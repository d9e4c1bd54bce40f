package io.sparkscore.model.categorical;

import com.google.common.hash.Hashing;
import org.junit.jupiter.api.Test;
import org.tensorflow.EagerSession;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt64;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fingerprint64 and SipHash-2-4 against three independent references: Guava's implementations, TensorFlow's own
 * hash bucket kernels (through TensorFlow Java), and the values TensorFlow and Keras publish in their docs.
 */
class HashFunctionsTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void fingerprintEqualsGuavasFarmHashFingerprint64AtEveryLengthUpTo300() {
        Random random = new Random(12);
        for (int len = 0; len <= 300; len++) {
            for (int trial = 0; trial < 8; trial++) {
                byte[] s = new byte[len];
                random.nextBytes(s);
                assertThat(Fingerprint64.of(s)).as("length %d", len)
                        .isEqualTo(Hashing.farmHashFingerprint64().hashBytes(s).asLong());
            }
        }
    }

    @Test
    void sipHashEqualsGuavasSipHash24AtEveryLengthUpTo100() {
        Random random = new Random(13);
        for (int len = 0; len <= 100; len++) {
            byte[] s = new byte[len];
            random.nextBytes(s);
            long k0 = random.nextLong();
            long k1 = random.nextLong();
            assertThat(SipHash24.of(k0, k1, s)).as("length %d", len)
                    .isEqualTo(Hashing.sipHash24(k0, k1).hashBytes(s).asLong());
        }
    }

    @Test
    void bucketsMatchTensorFlowsPublishedExamples() {
        // tf.strings.to_hash_bucket_fast(["Hello", "TensorFlow", "2.x"], 3) -> [0, 2, 2] (TensorFlow API docs)
        assertThat(new long[] {Fingerprint64.bucket(utf8("Hello"), 3), Fingerprint64.bucket(utf8("TensorFlow"), 3),
                Fingerprint64.bucket(utf8("2.x"), 3)}).containsExactly(0, 2, 2);
        // keras.layers.Hashing(num_bins=3) on A..E -> 1, 0, 1, 1, 2 (Keras' Hashing docstring)
        assertThat(bins(null, "A", "B", "C", "D", "E")).containsExactly(1, 0, 1, 1, 2);
        // Hashing(num_bins=3, salt=[133, 137]) -> 1, 2, 1, 0, 2; salt=133 (= [133, 133]) -> 0, 0, 2, 1, 0
        assertThat(bins(new long[] {133, 137}, "A", "B", "C", "D", "E")).containsExactly(1, 2, 1, 0, 2);
        assertThat(bins(new long[] {133, 133}, "A", "B", "C", "D", "E")).containsExactly(0, 0, 2, 1, 0);
    }

    private static long[] bins(long[] salt, String... values) {
        long[] r = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            r[i] = salt == null ? Fingerprint64.bucket(utf8(values[i]), 3)
                    : SipHash24.bucket(salt[0], salt[1], utf8(values[i]), 3);
        }
        return r;
    }

    @Test
    void bucketsEqualTensorFlowsOwnKernelsOnRandomUtf8Strings() {
        Random random = new Random(14);
        int n = 200;
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            StringBuilder b = new StringBuilder();
            int len = random.nextInt(90);
            for (int k = 0; k < len; k++) {
                // ASCII, Latin-1, CJK and an emoji (a surrogate pair): multi-byte UTF-8 of every width
                int pick = random.nextInt(4);
                b.appendCodePoint(pick == 0 ? 32 + random.nextInt(95) : pick == 1 ? 0xC0 + random.nextInt(64)
                        : pick == 2 ? 0x4E00 + random.nextInt(500) : 0x1F600 + random.nextInt(50));
            }
            values[i] = b.toString();
        }
        long buckets = 1_000_003;
        try (EagerSession session = EagerSession.create()) {
            Ops tf = Ops.create(session);
            var input = tf.constant(NdArrays.vectorOfObjects(values));
            try (TInt64 fast = tf.strings.toHashBucketFast(input, buckets).asTensor();
                 TInt64 strong = tf.strings.toHashBucketStrong(input, buckets, java.util.List.of(133L, 137L))
                         .asTensor()) {
                for (int i = 0; i < n; i++) {
                    assertThat(Fingerprint64.bucket(utf8(values[i]), buckets)).as(values[i])
                            .isEqualTo(fast.getLong(i));
                    assertThat(SipHash24.bucket(133, 137, utf8(values[i]), buckets)).as(values[i])
                            .isEqualTo(strong.getLong(i));
                }
            }
        }
    }
}
