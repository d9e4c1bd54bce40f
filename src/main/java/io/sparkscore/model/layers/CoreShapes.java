package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Shapes;

import java.util.Arrays;
import java.util.List;

/** Shape rules of the core, reshaping, embedding and wrapper layers. */
final class CoreShapes {

    private CoreShapes() {
    }

    static int[] dense(LayerSpec layer, List<int[]> inputs) {
        int[] r = inputs.get(0).clone();
        r[r.length - 1] = layer.config().requireInt("units");
        return r;
    }

    static int[] flatten(LayerSpec layer, List<int[]> inputs) {
        int[] x = inputs.get(0);
        return new int[] {Shapes.isFullyKnown(x) ? Math.toIntExact(Shapes.size(x)) : Shapes.UNKNOWN};
    }

    static int[] reshape(LayerSpec layer, List<int[]> inputs) {
        LayerConfig c = layer.config();
        int[] x = inputs.get(0);
        int[] target = c.getShape("target_shape");
        int open = -1;
        long known = 1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] < 0) {
                if (open >= 0) {
                    throw c.unsupported("target_shape " + Arrays.toString(target) + " has more than one -1");
                }
                open = i;
            } else {
                known *= target[i];
            }
        }
        int[] r = target.clone();
        if (!Shapes.isFullyKnown(x)) {
            return r;
        }
        long total = Shapes.size(x);
        if (open >= 0) {
            if (known == 0 || total % known != 0) {
                throw c.unsupported("cannot reshape " + Shapes.format(x) + " into target_shape "
                        + Arrays.toString(target));
            }
            r[open] = Math.toIntExact(total / known);
        } else if (known != total) {
            throw c.unsupported("cannot reshape " + Shapes.format(x) + " (" + total + " values) into target_shape "
                    + Arrays.toString(target) + " (" + known + " values)");
        }
        return r;
    }

    static int[] permute(LayerSpec layer, List<int[]> inputs) {
        LayerConfig c = layer.config();
        int[] x = inputs.get(0);
        int[] dims = c.getInts("dims", x.length, null);
        if (dims == null) {
            throw c.unsupported("config has no 'dims'");
        }
        int[] r = new int[x.length];
        boolean[] seen = new boolean[x.length];
        for (int i = 0; i < r.length; i++) {
            int from = dims[i] - 1;
            if (from < 0 || from >= x.length || seen[from]) {
                throw c.unsupported("dims " + Arrays.toString(dims) + " is not a permutation of 1.." + x.length);
            }
            seen[from] = true;
            r[i] = x[from];
        }
        return r;
    }

    static int[] repeatVector(LayerSpec layer, List<int[]> inputs) {
        int[] x = inputs.get(0);
        if (x.length != 1) {
            throw layer.config().unsupported("RepeatVector expects inputs of shape (features,) but got "
                    + Shapes.format(x));
        }
        return new int[] {layer.config().requireInt("n"), x[0]};
    }

    static int[] embedding(LayerSpec layer, List<int[]> inputs) {
        return Shapes.concat(inputs.get(0), layer.config().requireInt("output_dim"));
    }

    /** The forward layer's output; with merge_mode=concat the last axis holds both directions. */
    static int[] bidirectional(LayerSpec layer, List<int[]> inputs) {
        List<int[]> sequence = inputs.subList(0, 1);
        int[] forward = outputOf(layer.child(0), sequence);
        if ("concat".equals(layer.config().getString("merge_mode", "concat"))) {
            int[] backward = outputOf(layer.child(layer.children().size() > 1 ? 1 : 0), sequence);
            forward[forward.length - 1] += backward[backward.length - 1];
        }
        return forward;
    }

    /** The wrapped layer applied to one step, with the time axis put back in front. */
    static int[] timeDistributed(LayerSpec layer, List<int[]> inputs) {
        int[] x = inputs.get(0);
        int[] step = Arrays.copyOfRange(x, 1, x.length);
        return Shapes.concat(new int[] {x[0]}, outputOf(layer.child(0), List.of(step)));
    }

    private static int[] outputOf(LayerSpec wrapped, List<int[]> inputs) {
        return LayerRegistry.require(wrapped).shapeRule().outputShape(wrapped, inputs);
    }
}
