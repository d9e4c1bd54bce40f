package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ShapeInference;
import io.sparkscore.model.Shapes;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of a Dot layer: the Keras axes (one for both inputs or one per input), {@code normalize}, and the cap
 * on the inverse L2 norm that {@code normalize} uses, which depends on the Keras version: Keras 3's
 * {@code ops.normalize} multiplies by {@code min(1/||x||, 1/1e-7)}, Keras 2's {@code l2_normalize} by
 * {@code 1/sqrt(max(||x||^2, 1e-12))}, i.e. {@code min(1/||x||, 1e6)}. They differ only for near-zero vectors.
 */
public record DotOptions(int[] kerasAxes, boolean normalize, double maxInverseNorm) implements LayerOptions {

    public static DotOptions of(LayerSpec layer, int kerasMajor) {
        LayerConfig c = layer.config();
        int[] axes = c.raw("axes") instanceof List<?> ? c.getInts("axes", 2, null)
                : new int[] {c.requireInt("axes"), c.requireInt("axes")};
        return new DotOptions(axes, c.getBoolean("normalize", false), kerasMajor >= 3 ? 1e7 : 1e6);
    }

    /** The per-row axes of the two inputs. */
    public int[] rowAxes(LayerConfig c, int[] a, int[] b) {
        return new int[] {ShapeInference.rowAxis(c, "axes", kerasAxes[0], a.length),
                ShapeInference.rowAxis(c, "axes", kerasAxes[1], b.length)};
    }

    /** The first input's remaining axes, then the second's; (1,) when nothing remains. */
    static int[] outputShape(LayerSpec layer, List<int[]> inputs) {
        LayerConfig c = layer.config();
        if (inputs.size() != 2) {
            throw c.unsupported("Dot needs exactly 2 inputs but has " + inputs.size());
        }
        int[] a = inputs.get(0);
        int[] b = inputs.get(1);
        // the cap does not change shapes, so any version's defaults do here
        int[] axes = of(layer, 3).rowAxes(c, a, b);
        if (a[axes[0]] != b[axes[1]]) {
            throw c.unsupported("dimension " + a[axes[0]] + " of " + Shapes.format(a) + " does not match "
                    + b[axes[1]] + " of " + Shapes.format(b));
        }
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            if (i != axes[0]) {
                r.add(a[i]);
            }
        }
        for (int i = 0; i < b.length; i++) {
            if (i != axes[1]) {
                r.add(b[i]);
            }
        }
        if (r.isEmpty()) {
            r.add(1);
        }
        return r.stream().mapToInt(Integer::intValue).toArray();
    }
}
