package io.sparkscore.model.categorical;

import io.sparkscore.model.LayerSpec;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * StringLookup and IntegerLookup (invert=False) as Keras' {@code IndexLookup._lookup_dense} computes them: the mask
 * token gives 0 in int mode and nothing (-1, which the output encodings drop) otherwise; a vocabulary token gives
 * its index; any other value goes to the OOV index, or with several OOV indices to
 * {@code oovStart + Fingerprint64(utf8) mod num_oov} for strings, and {@code floormod(value, num_oov)} (or
 * Fingerprint64 of its decimal string under {@code oov_method='farmhash'}) for integers.
 */
public final class LookupEncoder implements CategoryEncoder {

    private final ValueKind kind;
    private final Vocabulary vocabulary;
    private final boolean intOutput;
    private final Map<Object, Integer> index;

    private LookupEncoder(ValueKind kind, Vocabulary vocabulary, boolean intOutput) {
        this.kind = kind;
        this.vocabulary = vocabulary;
        this.intOutput = intOutput;
        this.index = new HashMap<>(Math.max(16, vocabulary.tokens().size() * 4 / 3 + 1));
        int next = vocabulary.tokenStart();
        for (Object token : vocabulary.tokens()) {
            if (index.put(token, next++) != null) {
                throw new IllegalArgumentException("repeated vocabulary token " + token);
            }
        }
    }

    /** The encoder of a lookup layer; a repeated vocabulary token is refused, as Keras refuses it. */
    public static LookupEncoder of(LayerSpec layer) {
        Vocabulary v = Vocabulary.of(layer);
        boolean intOutput = CategoricalOutputMode.of(layer.config(), "int") == CategoricalOutputMode.INT;
        try {
            return new LookupEncoder(Vocabulary.isStringLookup(layer) ? ValueKind.STRING : ValueKind.INTEGER, v,
                    intOutput);
        } catch (IllegalArgumentException e) {
            throw layer.config().unsupported("its vocabulary has a " + e.getMessage() + "; Keras refuses repeated"
                    + " tokens too");
        }
    }

    @Override
    public ValueKind takes() {
        return kind;
    }

    @Override
    public java.util.Set<Object> closed() {
        if (vocabulary.numOov() > 0) {
            return null;
        }
        java.util.Set<Object> r = new java.util.LinkedHashSet<>(vocabulary.tokens());
        if (vocabulary.mask() != null) {
            r.add(vocabulary.mask());
        }
        return r;
    }

    @Override
    public float encode(String value) {
        Integer i = maskOrToken(value);
        if (i != null) {
            return i;
        }
        return vocabulary.oovStart() + oovBucket(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public float encode(long value) {
        Integer i = maskOrToken(value);
        if (i != null) {
            return i;
        }
        int n = checkedOovCount();
        long bucket = n == 1 ? 0 : vocabulary.oovMethod().equals("farmhash")
                ? oovBucket(Long.toString(value).getBytes(StandardCharsets.US_ASCII)) : Math.floorMod(value, n);
        return vocabulary.oovStart() + bucket;
    }

    /** The OOV count; none means the row checks let no unseen value through, so meeting one is a bug. */
    private int checkedOovCount() {
        int n = vocabulary.numOov();
        if (n == 0) {
            throw new IllegalStateException("a value outside the closed vocabulary reached the encoder; the row"
                    + " checks should have made its row a bad row: please report");
        }
        return n;
    }

    private Integer maskOrToken(Object value) {
        if (value.equals(vocabulary.mask())) {
            return intOutput ? 0 : -1;
        }
        return index.get(value);
    }

    private long oovBucket(byte[] bytes) {
        int n = checkedOovCount();
        return n == 1 ? 0 : Fingerprint64.bucket(bytes, n);
    }
}
