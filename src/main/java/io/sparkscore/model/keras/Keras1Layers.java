package io.sparkscore.model.keras;

import io.sparkscore.model.UnsupportedLayerException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates Keras 1.x layer configs (old class names and keys such as {@code output_dim}, {@code border_mode},
 * {@code inner_activation}) into their Keras 2 equivalents. Only translations that keep Keras 1's exact semantics are
 * made; everything else is refused.
 */
final class Keras1Layers {

    record Translated(String className, Map<String, Object> config) {
    }

    private static final Set<String> UNCHANGED = Set.of("InputLayer", "Activation", "Flatten", "Reshape",
            "Permute", "RepeatVector", "Bidirectional", "TimeDistributed");
    /** Keras 1 keys that only configure training (initialisers, regularisers, constraints) and are dropped. */
    private static final Set<String> TRAINING_ONLY = Set.of("init", "inner_init", "forget_bias_init",
            "W_regularizer", "U_regularizer", "b_regularizer", "activity_regularizer", "W_constraint",
            "U_constraint", "b_constraint", "consume_less", "input_dim", "input_length", "weights");

    private Keras1Layers() {
    }

    static Translated translate(String cls, String name, Map<String, Object> raw, String file) {
        Map<String, Object> c = new LinkedHashMap<>();
        Map<String, Object> in = raw;
        switch (cls) {
            case "Dense" -> {
                copyCommon(in, c);
                c.put("units", in.get("output_dim"));
                c.put("activation", in.getOrDefault("activation", "linear"));
                c.put("use_bias", in.getOrDefault("bias", true));
                return new Translated("Dense", c);
            }
            case "Dropout" -> {
                copyCommon(in, c);
                c.put("rate", in.get("p"));
                return new Translated("Dropout", c);
            }
            case "LSTM", "GRU", "SimpleRNN" -> {
                copyCommon(in, c);
                c.put("units", in.get("output_dim"));
                c.put("activation", in.getOrDefault("activation", "tanh"));
                if (!"SimpleRNN".equals(cls)) {
                    c.put("recurrent_activation", in.getOrDefault("inner_activation", "hard_sigmoid"));
                }
                c.put("use_bias", true);
                for (String k : List.of("return_sequences", "go_backwards", "stateful", "unroll")) {
                    c.put(k, in.getOrDefault(k, false));
                }
                c.put("dropout", in.getOrDefault("dropout_W", 0.0));
                c.put("recurrent_dropout", in.getOrDefault("dropout_U", 0.0));
                if ("GRU".equals(cls)) {
                    // Keras 1's GRU applies the reset gate before the recurrent matrix, as reset_after=False does.
                    c.put("reset_after", false);
                }
                return new Translated(cls, c);
            }
            case "Embedding" -> {
                copyCommon(in, c);
                c.put("input_dim", in.get("input_dim"));
                c.put("output_dim", in.get("output_dim"));
                c.put("mask_zero", in.getOrDefault("mask_zero", false));
                if (in.get("input_length") != null) {
                    c.put("input_length", in.get("input_length"));
                }
                return new Translated("Embedding", c);
            }
            case "Convolution1D" -> {
                copyCommon(in, c);
                c.put("filters", in.get("nb_filter"));
                c.put("kernel_size", List.of(in.get("filter_length")));
                c.put("strides", List.of(in.getOrDefault("subsample_length", 1)));
                c.put("padding", in.getOrDefault("border_mode", "valid"));
                c.put("activation", in.getOrDefault("activation", "linear"));
                c.put("use_bias", in.getOrDefault("bias", true));
                return new Translated("Conv1D", c);
            }
            case "Convolution2D" -> {
                requireTensorFlowOrdering(cls, name, in, file);
                copyCommon(in, c);
                c.put("filters", in.get("nb_filter"));
                c.put("kernel_size", List.of(in.get("nb_row"), in.get("nb_col")));
                c.put("strides", in.getOrDefault("subsample", List.of(1, 1)));
                c.put("padding", in.getOrDefault("border_mode", "valid"));
                c.put("data_format", "channels_last");
                c.put("activation", in.getOrDefault("activation", "linear"));
                c.put("use_bias", in.getOrDefault("bias", true));
                return new Translated("Conv2D", c);
            }
            case "MaxPooling1D", "AveragePooling1D" -> {
                copyCommon(in, c);
                Object pool = in.getOrDefault("pool_length", 2);
                c.put("pool_size", List.of(pool));
                c.put("strides", List.of(in.get("stride") != null ? in.get("stride") : pool));
                c.put("padding", in.getOrDefault("border_mode", "valid"));
                return new Translated(cls, c);
            }
            case "MaxPooling2D", "AveragePooling2D" -> {
                requireTensorFlowOrdering(cls, name, in, file);
                copyCommon(in, c);
                Object pool = in.getOrDefault("pool_size", List.of(2, 2));
                c.put("pool_size", pool);
                c.put("strides", in.get("strides") != null ? in.get("strides") : pool);
                c.put("padding", in.getOrDefault("border_mode", "valid"));
                c.put("data_format", "channels_last");
                return new Translated(cls, c);
            }
            case "GlobalMaxPooling1D", "GlobalAveragePooling1D" -> {
                copyCommon(in, c);
                return new Translated(cls, c);
            }
            case "GlobalMaxPooling2D", "GlobalAveragePooling2D" -> {
                requireTensorFlowOrdering(cls, name, in, file);
                copyCommon(in, c);
                c.put("data_format", "channels_last");
                return new Translated(cls, c);
            }
            default -> {
                if (UNCHANGED.contains(cls)) {
                    in.forEach((k, v) -> {
                        if (!TRAINING_ONLY.contains(k)) {
                            c.put(k, v);
                        }
                    });
                    if ("RepeatVector".equals(cls) && !c.containsKey("n")) {
                        c.put("n", in.get("n"));
                    }
                    return new Translated(cls, c);
                }
                throw new UnsupportedLayerException(name, cls, "this Keras 1 layer cannot be converted to its "
                        + "Keras 2 form with the same results; load the model in Keras 2 and save it again (model file "
                        + file + ")");
            }
        }
    }

    /** The Keras 1 class name of a translated class ({@code Conv2D -> Convolution2D}). */
    static String originalClassName(String translated) {
        return switch (translated) {
            case "Conv1D" -> "Convolution1D";
            case "Conv2D" -> "Convolution2D";
            default -> translated;
        };
    }

    private static void copyCommon(Map<String, Object> in, Map<String, Object> out) {
        for (String k : List.of("name", "trainable", "batch_input_shape", "input_dtype")) {
            if (in.containsKey(k)) {
                out.put(k, in.get(k));
            }
        }
    }

    private static void requireTensorFlowOrdering(String cls, String name, Map<String, Object> in, String file) {
        Object ordering = in.get("dim_ordering");
        if (ordering != null && !"tf".equals(ordering)) {
            throw new UnsupportedLayerException(name, cls, "dim_ordering='" + ordering + "' (Theano layout) is "
                    + "not supported for Keras 1 files; load the model in Keras 2 and save it again (model file "
                    + file + ")");
        }
    }
}
