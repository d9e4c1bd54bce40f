package io.sparkscore.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A layer's configuration as Keras wrote it (after the reader's normalisation), with typed accessors whose errors
 * name the layer and the key.
 *
 * <p>Values are the JSON types: {@link String}, {@link Number}, {@link Boolean}, {@link List}, {@link Map} and
 * {@code null}. Keys use Keras 2/3 spelling ({@code units}, {@code kernel_size}, ...). Readers normalise what differs
 * between Keras versions (activation objects become their canonical names, see {@link Activation}), so the
 * prediction paths never need to know which Keras wrote the file.
 */
public final class LayerConfig implements Serializable {

    private final String layerName;
    private final String layerClass;
    private final Map<String, Object> values;

    public LayerConfig(String layerName, String layerClass, Map<String, Object> values) {
        this.layerName = layerName;
        this.layerClass = layerClass;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static LayerConfig empty(String layerName, String layerClass) {
        return new LayerConfig(layerName, layerClass, Map.of());
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public boolean has(String key) {
        return values.get(key) != null;
    }

    public Object raw(String key) {
        return values.get(key);
    }

    public String getString(String key, String defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof String s)) {
            throw wrongType(key, "a string", v);
        }
        return s;
    }

    public String requireString(String key) {
        return Objects.requireNonNull(getString(key, null), () -> missing(key).getMessage());
    }

    public int getInt(String key, int defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof List<?> l && l.size() == 1) {
            v = l.get(0);
        }
        Integer i = JsonInts.exact(v);
        if (i == null) {
            throw wrongType(key, "an integer (at most " + Integer.MAX_VALUE + ")", v);
        }
        return i;
    }

    public int requireInt(String key) {
        if (!has(key)) {
            throw missing(key);
        }
        return getInt(key, 0);
    }

    public double getDouble(String key, double defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof Number n)) {
            throw wrongType(key, "a number", v);
        }
        return n.doubleValue();
    }

    /** A nullable number, for options such as ReLU's {@code max_value} where absence means "no limit". */
    public Double getNullableDouble(String key) {
        Object v = values.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n)) {
            throw wrongType(key, "a number", v);
        }
        return n.doubleValue();
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof Boolean b)) {
            throw wrongType(key, "true or false", v);
        }
        return b;
    }

    /**
     * An integer tuple such as {@code kernel_size}; a single number is broadcast to {@code rank} entries, as Keras
     * does for {@code kernel_size=3} on a Conv2D.
     */
    public int[] getInts(String key, int rank, int[] defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Number) {
            int[] r = new int[rank];
            java.util.Arrays.fill(r, getInt(key, 0));
            return r;
        }
        if (!(v instanceof List<?> list)) {
            throw wrongType(key, "a list of integers", v);
        }
        if (rank > 0 && list.size() != rank) {
            throw new UnsupportedLayerException(layerName, layerClass,
                    "'" + key + "' should have " + rank + " entries but has " + list);
        }
        int[] r = new int[list.size()];
        for (int i = 0; i < r.length; i++) {
            Integer e = JsonInts.exact(list.get(i));
            if (e == null) {
                throw wrongType(key, "a list of integers (each at most " + Integer.MAX_VALUE + ")", v);
            }
            r[i] = e;
        }
        return r;
    }

    /** An integer tuple of any length, with {@code null} entries (Keras' {@code None}) as {@code -1}. */
    public int[] getShape(String key) {
        Object v = values.get(key);
        if (!(v instanceof List<?> list)) {
            throw v == null ? missing(key) : wrongType(key, "a shape list", v);
        }
        int[] r = new int[list.size()];
        for (int i = 0; i < r.length; i++) {
            Object e = list.get(i);
            Integer d = JsonInts.exact(e);
            if (e != null && (d == null || d < Shapes.UNKNOWN)) {
                throw wrongType(key, "a shape list (integers of at least -1, or null)", v);
            }
            r[i] = e == null ? Shapes.UNKNOWN : d;
        }
        return r;
    }

    @SuppressWarnings("unchecked")
    public List<Object> getList(String key) {
        Object v = values.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?>)) {
            throw wrongType(key, "a list", v);
        }
        return (List<Object>) v;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> getMap(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?>)) {
            throw wrongType(key, "an object", v);
        }
        return (Map<String, Object>) v;
    }

    /** A copy with one value replaced; readers use it to normalise. */
    public LayerConfig with(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        return new LayerConfig(layerName, layerClass, copy);
    }

    public UnsupportedLayerException unsupported(String problem) {
        return new UnsupportedLayerException(layerName, layerClass, problem);
    }

    private UnsupportedLayerException missing(String key) {
        return unsupported("config has no '" + key + "'");
    }

    private UnsupportedLayerException wrongType(String key, String expected, Object found) {
        return unsupported("config '" + key + "' should be " + expected + " but is " + found);
    }

    /** Deep copy of nested lists/maps into plain serialisable collections; used by readers building configs. */
    public static Object plain(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> r = new LinkedHashMap<>();
            m.forEach((k, x) -> r.put(String.valueOf(k), plain(x)));
            return r;
        }
        if (v instanceof List<?> l) {
            List<Object> r = new ArrayList<>(l.size());
            l.forEach(x -> r.add(plain(x)));
            return r;
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerConfig c && c.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
