package io.sparkscore.model.layers;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.ShapeInference;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keras' mask propagation rules, the same for both paths: Masking and Embedding({@code mask_zero=true}) create a
 * mask over every axis but the last (the time steps), the classes of {@link #passesThrough} hand it on unchanged,
 * element-wise merges and a Concatenate along the last axis combine their inputs' masks as the file's Keras version
 * does ({@link #keptByAll}), and the {@link #consumes consumers} apply it: RNNs and Bidirectional skip masked
 * steps, GlobalAveragePooling1D leaves them out of the mean, the attention layers apply every input's; Keras 3's
 * GlobalMaxPooling1D ignores and drops it ({@link #drops}). A mask reaching any other layer is refused, since Keras
 * 2 refuses such a model and Keras 3's result would depend on version details.
 */
public final class KerasMasks {

    private static final Set<String> PASS_THROUGH = Set.of("InputLayer", "Dropout", "SpatialDropout1D",
            "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
            "ActivityRegularization", "Identity", "Masking", "Activation", "Dense", "BatchNormalization",
            "LayerNormalization", "LeakyReLU", "PReLU", "ELU", "ReLU", "ThresholdedReLU", "TimeDistributed");
    private static final Set<String> ELEMENT_WISE_MERGES = Set.of("Add", "Subtract", "Multiply", "Average",
            "Maximum", "Minimum");
    private static final Set<String> CONSUMERS = Set.of("SimpleRNN", "LSTM", "GRU", "Bidirectional",
            "GlobalAveragePooling1D");
    /**
     * Keras 3 layers that do not support masking and so ignore a mask and drop it (Keras 3 warns "will therefore
     * destroy the mask information"; tf.keras 2 refuses to build such a model): GlobalMaxPooling1D takes the maximum
     * over every step, masked ones included.
     */
    private static final Set<String> DROPPED_BY_KERAS_3 = Set.of("GlobalMaxPooling1D");
    /** Layers that apply the masks of their query and value themselves, and hand the query's on. */
    private static final Set<String> ATTENTION = Set.of("Attention", "AdditiveAttention", "MultiHeadAttention");

    /** Why a layer receiving a mask is refused, for both paths' messages. */
    public static final String REFUSAL = "receives a Keras mask (from Masking or Embedding mask_zero=true), which"
            + " sparkscore applies only in SimpleRNN, LSTM, GRU, Bidirectional, GlobalAveragePooling1D and the attention"
            + " layers and passes on through element-wise layers, Dense and merges";

    private KerasMasks() {
    }

    /** Whether the layer creates a mask from its input (it replaces any mask the input carried). */
    public static boolean creates(LayerSpec layer) {
        return switch (layer.className()) {
            case "Masking" -> true;
            case "Embedding" -> layer.config().getBoolean("mask_zero", false);
            default -> false;
        };
    }

    /** Whether a single-input layer hands its input's mask on unchanged. */
    public static boolean passesThrough(String className) {
        return PASS_THROUGH.contains(className);
    }

    /**
     * Whether a merge layer combines its inputs' masks: element-wise merges, and Concatenate along the last axis of
     * inputs of row rank {@code rowRank}.
     */
    public static boolean combines(LayerSpec layer, int rowRank) {
        String c = layer.className();
        return ELEMENT_WISE_MERGES.contains(c) || c.equals("Concatenate")
                && ShapeInference.rowAxis(layer.config(), "axis", layer.config().getInt("axis", -1), rowRank)
                == rowRank - 1;
    }

    /**
     * How a merge combines its inputs' masks. Keras 2 (tf.keras): a step is kept where every masked input keeps it,
     * unmasked inputs not counting (an AND of the masks present). Keras 3: a step is kept where any input keeps it
     * (an OR), and an input without a mask keeps every step, so the merge's output then has no mask.
     *
     * @return true for Keras 2's AND of the masks present, false for Keras 3's OR
     */
    public static boolean keptByAll(int kerasMajor) {
        return kerasMajor < 3;
    }

    /** Whether a merge's output carries a mask when only {@code masked} of its {@code inputs} inputs carry one. */
    public static boolean mergeKeepsMask(int kerasMajor, int masked, int inputs) {
        return masked > 0 && (keptByAll(kerasMajor) || masked == inputs);
    }

    /**
     * Whether the layer, in a file of Keras {@code kerasMajor}, computes as if its input carried no mask and hands
     * none on (Keras 3's layers without mask support); tf.keras 2 refuses a mask into them, and so does sparkscore.
     */
    public static boolean drops(String className, int kerasMajor) {
        return kerasMajor >= 3 && DROPPED_BY_KERAS_3.contains(className);
    }

    /**
     * Whether the layer applies the masks of all its inputs itself and hands its first input's (the query's) on: the
     * attention layers.
     */
    public static boolean appliesToEveryInput(String className) {
        return ATTENTION.contains(className);
    }

    /** Whether the layer applies a mask on its first input (the time steps of a sequence). */
    public static boolean consumes(String className) {
        return CONSUMERS.contains(className);
    }

    /**
     * The first layer of the model that receives a mask it can neither hand on, combine nor apply, and why; empty
     * when every mask ends in a layer that applies it (or in a model output). A path refuses such a model, so
     * {@code inspect} and the driver can say so before anything is built.
     */
    public static Optional<String> whyUnsupported(ModelSpec spec) {
        Map<String, int[]> shapes;
        try {
            shapes = ShapeInference.infer(spec);
        } catch (ModelException e) {
            return Optional.empty(); // a model whose shapes do not infer is refused for both paths elsewhere
        }
        Set<String> masked = new HashSet<>();
        for (NodeSpec node : spec.nodes()) {
            LayerSpec layer = spec.layer(node.layerName());
            List<String> in = node.inputs();
            boolean any = in.stream().anyMatch(masked::contains);
            boolean out = false;
            if (any) {
                String c = layer.className();
                int[] x = shapes.get(in.get(0));
                if (passesThrough(c) && in.size() == 1) {
                    out = true;
                } else if (LayerRegistry.takesList(c) && combines(layer, x.length)) {
                    out = mergeKeepsMask(spec.kerasMajor(), (int) in.stream().filter(masked::contains).count(),
                            in.size());
                } else if (consumes(c) && masked.contains(in.get(0)) && in.stream().skip(1).noneMatch(masked::contains)
                        && x.length == 2) {
                    out = consumerPassesOn(layer);
                } else if (drops(c, spec.kerasMajor())) {
                    out = false;
                } else if (appliesToEveryInput(c)) {
                    out = masked.contains(in.get(0));
                } else {
                    return Optional.of("layer '" + layer.name() + "' (" + c + "): " + REFUSAL);
                }
            }
            if (out || creates(layer)) {
                masked.add(node.id());
            }
        }
        return Optional.empty();
    }

    /** Whether a consumer hands the mask on: RNNs (and Bidirectional) that return sequences do. */
    public static boolean consumerPassesOn(LayerSpec layer) {
        LayerSpec rnn = layer.className().equals("Bidirectional") ? layer.child(0) : layer;
        return LayerRegistry.isRecurrent(rnn.className()) && rnn.config().getBoolean("return_sequences", false);
    }
}
