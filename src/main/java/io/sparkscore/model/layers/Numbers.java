package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;

import java.util.List;

/** Config values that may be one number or a list of numbers. */
final class Numbers {

    private Numbers() {
    }

    /** {@code key} as floats: one for a number (or {@code defaultValue} when absent), one per entry of a list. */
    static float[] floats(LayerConfig c, String key, double defaultValue) {
        Object v = c.raw(key);
        if (v == null) {
            return new float[] {(float) defaultValue};
        }
        if (v instanceof Number n) {
            return new float[] {n.floatValue()};
        }
        if (v instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(e -> e instanceof Number)) {
            float[] r = new float[list.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = ((Number) list.get(i)).floatValue();
            }
            return r;
        }
        throw c.unsupported("'" + key + "' should be a number or a list of numbers but is " + v);
    }
}
