package io.sparkscore.model.categorical;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The index layout of a {@code StringLookup} or {@code IntegerLookup} as Keras' {@code IndexLookup} builds it: the
 * mask token at 0 (output_mode int only), then {@code num_oov_indices} OOV indices, then the vocabulary's tokens in
 * order. A vocabulary that starts with exactly those special tokens (as an adapted layer's saved vocabulary does)
 * has them stripped, as Keras does. Tokens are {@link String}s (StringLookup) or {@link Long}s (IntegerLookup).
 * Immutable.
 *
 * @param tokens     the vocabulary without special tokens, in index order
 * @param mask       the mask token, or null
 * @param oovStart   the first OOV index (1 with a mask token in int mode, else 0)
 * @param numOov     how many OOV indices there are
 * @param specialsGiven whether the vocabulary as given started with the special tokens (decides idf padding)
 * @param oovMethod     how an unseen integer picks one of several OOV indices: floormod or farmhash (strings:
 *                      always farmhash)
 */
public record Vocabulary(List<Object> tokens, Object mask, int oovStart, int numOov, boolean specialsGiven,
                         String oovMethod) implements Serializable {

    /** Ids travel as float32 to the prediction paths: every index must be exact. */
    public static final int MAX_INDICES = 1 << 24;

    public Vocabulary {
        tokens = Collections.unmodifiableList(new ArrayList<>(tokens));
    }

    /** The first index of a vocabulary token. */
    public int tokenStart() {
        return oovStart + numOov;
    }

    /** Indices the layer's lookups can produce: special indices plus tokens ({@code vocabulary_size()}). */
    public int size() {
        return tokenStart() + tokens.size();
    }

    /** Whether tokens are strings (StringLookup) rather than integers (IntegerLookup). */
    public static boolean isStringLookup(LayerSpec layer) {
        return layer.className().equals("StringLookup");
    }

    /**
     * The layout of a lookup layer; refuses what sparkscore cannot reproduce: {@code invert}, a vocabulary file path,
     * no vocabulary at all, over {@link #MAX_INDICES} indices. With {@code num_oov_indices=0} Keras fails the whole
     * call on an unseen value; sparkscore makes such a row a bad row instead (see {@link CategoryEncoder#closed}).
     */
    public static Vocabulary of(LayerSpec layer) {
        LayerConfig c = layer.config();
        boolean strings = isStringLookup(layer);
        if (c.getBoolean("invert", false)) {
            throw c.unsupported("invert=True maps indices back to tokens; sparkscore's prediction paths carry"
                    + " numbers only, so only invert=False can be scored");
        }
        int numOov = c.getInt("num_oov_indices", 1);
        if (numOov < 0) {
            throw c.unsupported("num_oov_indices=" + numOov + " is negative");
        }
        Object mask = token(c, "mask_token", strings);
        Object oov = token(c, "oov_token", strings);
        boolean intOutput = CategoricalOutputMode.of(c, "int") == CategoricalOutputMode.INT;
        int oovStart = mask != null && intOutput ? 1 : 0;
        List<Object> given = vocabulary(c, strings);
        List<Object> specials = new ArrayList<>();
        for (int i = 0; i < oovStart; i++) {
            specials.add(mask);
        }
        for (int i = 0; i < numOov; i++) {
            specials.add(oov);
        }
        boolean specialsGiven = given.size() >= specials.size()
                && given.subList(0, specials.size()).equals(specials);
        List<Object> tokens = specialsGiven ? given.subList(specials.size(), given.size()) : given;
        if (tokens.size() > MAX_INDICES - oovStart - numOov) {
            throw c.unsupported("has " + tokens.size() + " vocabulary tokens; sparkscore carries indices as float32,"
                    + " exact up to " + MAX_INDICES + " indices in all");
        }
        if (mask != null && tokens.contains(mask)) {
            throw c.unsupported("its vocabulary holds the mask token " + quoted(mask) + " at an unexpected place;"
                    + " Keras refuses such a vocabulary too");
        }
        String oovMethod = strings ? "farmhash" : c.getString("oov_method", "floormod");
        if (!oovMethod.equals("floormod") && !oovMethod.equals("farmhash")) {
            throw c.unsupported("oov_method='" + oovMethod + "' is unknown (expected floormod or farmhash)");
        }
        return new Vocabulary(tokens, mask, oovStart, numOov, specialsGiven, oovMethod);
    }

    private static List<Object> vocabulary(LayerConfig c, boolean strings) {
        Object v = c.raw("vocabulary");
        if (v instanceof String path) {
            throw c.unsupported("its vocabulary is a file path outside the model ('" + path + "'); sparkscore reads"
                    + " only what the model file holds: pass the vocabulary as a list, or adapt the layer and save"
                    + " the model as .keras (the vocabulary then travels in its assets)");
        }
        if (!(v instanceof List<?> list)) {
            throw c.unsupported("has no vocabulary: neither its config nor the model file's assets hold one; give"
                    + " the layer a vocabulary or adapt() it before saving");
        }
        List<Object> r = new ArrayList<>(list.size());
        for (Object e : list) {
            r.add(tokenValue(c, "vocabulary", e, strings));
        }
        return r;
    }

    private static Object token(LayerConfig c, String key, boolean strings) {
        Object v = c.raw(key);
        return v == null ? null : tokenValue(c, key, v, strings);
    }

    /** A string token as it is; an integer token as a Long (JSON may give Integer, Long, BigInteger or 3.0). */
    private static Object tokenValue(LayerConfig c, String key, Object v, boolean strings) {
        if (strings) {
            if (!(v instanceof String s)) {
                throw c.unsupported("'" + key + "' holds " + v + ", not a string");
            }
            return s;
        }
        Long l = exactLong(v);
        if (l == null) {
            throw c.unsupported("'" + key + "' holds " + v + ", not a 64-bit integer");
        }
        return l;
    }

    static Long exactLong(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger b) {
            return b.bitLength() < 64 ? b.longValue() : null;
        }
        if (v instanceof Number n) {
            try {
                return new BigDecimal(n.toString()).longValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static String quoted(Object token) {
        return token instanceof String s ? "'" + s + "'" : Objects.toString(token);
    }
}
