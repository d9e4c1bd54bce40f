package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Shapes;
import io.sparkscore.model.UnsupportedLayerException;
import io.sparkscore.model.layers.KerasMasks;
import io.sparkscore.model.layers.LayerRegistry;

import java.util.List;
import java.util.Objects;

/**
 * What one node does with the Keras masks its inputs carry on the jvm path, by the rules of {@link KerasMasks}
 * (the tf path follows the same ones): hand the mask on, combine several, apply it (the attention layers: every
 * input's), or drop it (Keras 3's GlobalMaxPooling1D); anything else is refused naming the layer.
 */
final class MaskRules {

    /**
     * @param outputMask the step of the mask the node's output carries (before any mask the layer creates), or null
     * @param combined   the mask steps a merge combines into its output's mask, when there are several (by
 *                   {@link KerasMasks#keptByAll})
     * @param consumed   the mask step the layer applies (its extra last input), or null
     * @param perInput   for a layer that applies the masks of all its inputs (attention), each input's mask step
     *                   (null: the input carries none), passed after the inputs; empty otherwise
     */
    record Plan(Integer outputMask, List<Integer> combined, Integer consumed, List<Integer> perInput) {
        Plan(Integer outputMask, List<Integer> combined, Integer consumed) {
            this(outputMask, combined, consumed, List.of());
        }
    }

    private static final Plan NONE = new Plan(null, List.of(), null);

    private MaskRules() {
    }

    static boolean creates(LayerSpec layer) {
        return KerasMasks.creates(layer);
    }

    /**
     * The plan of a node whose inputs of {@code inShapes} carry {@code masks} (null entries: no mask), in a file
     * written by Keras {@code kerasMajor} (merges combine masks as that version does).
     */
    static Plan plan(LayerSpec layer, List<int[]> inShapes, List<Integer> masks, int kerasMajor) {
        List<Integer> present = masks.stream().filter(Objects::nonNull).toList();
        if (present.isEmpty()) {
            return NONE;
        }
        String cls = layer.className();
        if (KerasMasks.drops(cls, kerasMajor)) {
            return NONE;
        }
        if (KerasMasks.passesThrough(cls) && masks.size() == 1) {
            return new Plan(masks.get(0), List.of(), null);
        }
        if (LayerRegistry.takesList(cls) && KerasMasks.combines(layer, inShapes.get(0).length)) {
            if (!KerasMasks.mergeKeepsMask(kerasMajor, present.size(), masks.size())) {
                return NONE;
            }
            return present.size() == 1 ? new Plan(present.get(0), List.of(), null) : new Plan(null, present, null);
        }
        if (KerasMasks.appliesToEveryInput(cls)) {
            return new Plan(masks.get(0), List.of(), null, java.util.Collections.unmodifiableList(
                    new java.util.ArrayList<>(masks)));
        }
        if (KerasMasks.consumes(cls) && masks.get(0) != null && present.size() == 1) {
            int[] x = inShapes.get(0);
            if (x.length != 2) {
                throw refused(layer, "applies a Keras mask over the steps of a (steps, features) input but got "
                        + Shapes.format(x));
            }
            return new Plan(KerasMasks.consumerPassesOn(layer) ? masks.get(0) : null, List.of(), masks.get(0));
        }
        throw refused(layer, KerasMasks.REFUSAL);
    }

    private static UnsupportedLayerException refused(LayerSpec layer, String why) {
        return new UnsupportedLayerException(layer.name(), layer.className(), why);
    }
}
