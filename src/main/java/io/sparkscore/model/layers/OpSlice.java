package io.sparkscore.model.layers;

import io.sparkscore.model.JsonInts;
import io.sparkscore.model.LayerConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One per-row axis of a tf.keras {@code __operators__.getitem} (SlicingOpLambda): {@code index} picks one entry and
 * drops the axis; otherwise {@code [start, stop)} with {@code step} (> 0), as Python slices resolve against the axis
 * length. {@link #parse} reads tf.keras' slice spec, whose batch entry must be {@code :}.
 */
public record OpSlice(Integer index, Integer start, Integer stop, int step) {

    /** tf.keras' slice spec: a slice object {start, stop, step}, an index, Ellipsis, or a list of them. */
    static List<OpSlice> parse(LayerConfig c, Object raw, int[] shape) {
        List<?> spec = raw instanceof List<?> l ? l : List.of(raw == null ? List.of() : raw);
        int ellipses = 0;
        for (Object e : spec) {
            if (isEllipsis(e)) {
                ellipses++;
            }
        }
        int explicit = spec.size() - ellipses;
        if (ellipses > 1 || explicit > shape.length + 1) {
            throw c.unsupported("slice " + raw + " does not fit a tensor with " + shape.length + " non-batch"
                    + " dimensions");
        }
        List<Object> full = new ArrayList<>();
        for (Object e : spec) {
            if (isEllipsis(e)) {
                for (int i = 0; i < shape.length + 1 - explicit; i++) {
                    full.add(null);
                }
            } else {
                full.add(e);
            }
        }
        while (full.size() < shape.length + 1) {
            full.add(null);
        }
        Object batch = full.get(0);
        if (batch != null && !isFullSlice(batch)) {
            throw c.unsupported("slice " + raw + " selects along the batch dimension; sparkscore scores each row"
                    + " alone, so the batch slice must be ':'");
        }
        List<OpSlice> r = new ArrayList<>();
        for (int i = 1; i < full.size(); i++) {
            r.add(slice(c, raw, full.get(i), shape[i - 1]));
        }
        return r;
    }

    private static boolean isEllipsis(Object e) {
        return e instanceof Map<?, ?> m && "__ellipsis__".equals(m.get("class_name")) || "...".equals(e)
                || "Ellipsis".equals(e);
    }

    private static boolean isFullSlice(Object e) {
        return e instanceof Map<?, ?> m && m.get("start") == null && m.get("stop") == null
                && (m.get("step") == null || Integer.valueOf(1).equals(JsonInts.exact(m.get("step"))));
    }

    private static OpSlice slice(LayerConfig c, Object raw, Object e, int length) {
        if (e == null) {
            return new OpSlice(null, 0, length, 1);
        }
        Integer index = JsonInts.exact(e);
        if (index != null) {
            int i = index < 0 ? index + length : index;
            if (i < 0 || i >= length) {
                throw c.unsupported("slice " + raw + " indexes " + index + " on an axis of length " + length);
            }
            return new OpSlice(i, null, null, 1);
        }
        if (!(e instanceof Map<?, ?> m) || !m.keySet().stream().allMatch(k -> Set.of("start", "stop", "step")
                .contains(k))) {
            throw c.unsupported("slice " + raw + " holds " + e + ", which is not a slice, an index or '...'"
                    + " (tf.newaxis is not supported)");
        }
        Integer step = m.get("step") == null ? Integer.valueOf(1) : JsonInts.exact(m.get("step"));
        if (step == null || step < 1) {
            throw c.unsupported("slice " + raw + " has step " + m.get("step") + "; only positive steps are"
                    + " supported");
        }
        return new OpSlice(null, bound(c, raw, m.get("start"), length, 0), bound(c, raw, m.get("stop"), length,
                length), step);
    }

    /** A Python slice bound resolved against the axis length and clamped into [0, length]. */
    private static int bound(LayerConfig c, Object raw, Object v, int length, int absent) {
        if (v == null) {
            return absent;
        }
        Integer b = JsonInts.exact(v);
        if (b == null) {
            throw c.unsupported("slice " + raw + " has the bound " + v + ", which is not an integer");
        }
        int r = b < 0 ? b + length : b;
        return Math.max(0, Math.min(length, r));
    }

    /** How many entries a slice keeps. */
    public int kept() {
        return index != null ? 1 : Math.max(0, (stop - start + step - 1) / step);
    }

}
