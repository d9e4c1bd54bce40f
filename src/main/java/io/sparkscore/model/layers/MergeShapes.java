package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ShapeInference;
import io.sparkscore.model.Shapes;

import java.util.List;

/** Shape rules of the merge layers. */
final class MergeShapes {

    private MergeShapes() {
    }

    static int[] concatenate(LayerSpec layer, List<int[]> inputs) {
        LayerConfig c = layer.config();
        int[] first = inputs.get(0);
        int axis = ShapeInference.rowAxis(c, "axis", c.getInt("axis", -1), first.length);
        int[] r = first.clone();
        for (int k = 1; k < inputs.size(); k++) {
            int[] s = inputs.get(k);
            if (s.length != first.length) {
                throw c.unsupported("inputs have different ranks: " + formatAll(inputs));
            }
            for (int i = 0; i < s.length; i++) {
                if (i == axis) {
                    r[i] = r[i] < 0 || s[i] < 0 ? Shapes.UNKNOWN : r[i] + s[i];
                } else if (s[i] != first[i] && s[i] >= 0 && first[i] >= 0) {
                    throw c.unsupported("inputs " + formatAll(inputs) + " differ outside the concatenation axis");
                }
            }
        }
        return r;
    }

    /**
     * Element-wise merges broadcast their inputs as Keras' _Merge does: a lower-rank input gets unit dimensions
     * inserted right after the batch axis, then dimensions must agree or be 1.
     */
    static int[] broadcast(LayerSpec layer, List<int[]> inputs) {
        int rank = 0;
        for (int[] s : inputs) {
            rank = Math.max(rank, s.length);
        }
        int[] r = SpatialAxes.filled(rank, 1);
        for (int[] raw : inputs) {
            int[] s = ShapeInference.withLeadingUnits(raw, rank);
            for (int i = 0; i < s.length; i++) {
                if (r[i] == 1) {
                    r[i] = s[i];
                } else if (s[i] != 1 && s[i] != r[i]) {
                    throw layer.config().unsupported("input shapes " + formatAll(inputs) + " cannot be broadcast");
                }
            }
        }
        return r;
    }

    static String formatAll(List<int[]> shapes) {
        return shapes.stream().map(Shapes::format).toList().toString();
    }
}
