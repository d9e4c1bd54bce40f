package io.sparkscore.model.keras;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which Keras layer classes sparkscore scores, and the canonical names and order of each class's weights.
 *
 * <p>The order is the order Keras creates the variables in, which is both the positional order of a Keras 3
 * {@code vars/<i>} group and the order of a legacy HDF5 file's {@code weight_names}.
 */
final class LayerCatalog {

    static final Set<String> RECURRENT = Set.of("LSTM", "GRU", "SimpleRNN");
    static final Set<String> MERGE = Set.of("Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum",
            "Minimum", "Dot");
    static final Set<String> WRAPPERS = Set.of("Bidirectional", "TimeDistributed");
    static final Set<String> MODELS = Set.of("Sequential", "Functional", "Model");
    /**
     * The brief's core list plus what the prediction paths added later (3-d and transposed convolutions, 3-d
     * pooling/resizing, Group/Unit normalisation, Rescaling, adapted Normalization, Masking, ThresholdedReLU): the
     * reader accepts every layer at least one path can score, and each path refuses what it cannot.
     */
    static final Set<String> SUPPORTED = Set.copyOf(new TreeSet<>(List.of(
            "InputLayer", "Dense", "Activation", "Dropout", "SpatialDropout1D", "SpatialDropout2D",
            "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization",
            "Identity", "Flatten", "Reshape", "Permute", "RepeatVector", "Conv1D", "Conv2D", "Conv3D",
            "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "SeparableConv1D", "SeparableConv2D",
            "DepthwiseConv1D", "DepthwiseConv2D", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D",
            "AveragePooling2D", "AveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
            "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D", "ZeroPadding1D",
            "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D", "UpSampling1D",
            "UpSampling2D", "UpSampling3D", "BatchNormalization", "LayerNormalization", "GroupNormalization",
            "UnitNormalization", "Rescaling", "Normalization", "Masking", "Embedding", "LSTM", "GRU", "SimpleRNN",
            "Bidirectional", "TimeDistributed", "Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum",
            "Minimum", "Dot", "LeakyReLU", "PReLU", "ELU", "ReLU", "ThresholdedReLU", "Softmax")));

    /** Keras 2/3 aliases that name the same layer as a supported class. */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("Convolution1D", "Conv1D"),
            Map.entry("Convolution2D", "Conv2D"),
            Map.entry("SeparableConvolution1D", "SeparableConv1D"),
            Map.entry("SeparableConvolution2D", "SeparableConv2D"),
            Map.entry("MaxPool1D", "MaxPooling1D"),
            Map.entry("MaxPool2D", "MaxPooling2D"),
            Map.entry("AvgPool1D", "AveragePooling1D"),
            Map.entry("AvgPool2D", "AveragePooling2D"),
            Map.entry("GlobalMaxPool1D", "GlobalMaxPooling1D"),
            Map.entry("GlobalMaxPool2D", "GlobalMaxPooling2D"),
            Map.entry("GlobalAvgPool1D", "GlobalAveragePooling1D"),
            Map.entry("GlobalAvgPool2D", "GlobalAveragePooling2D"),
            Map.entry("GlobalAveragePool1D", "GlobalAveragePooling1D"),
            Map.entry("GlobalAveragePool2D", "GlobalAveragePooling2D"),
            Map.entry("Model", "Functional"));

    private LayerCatalog() {
    }

    static String canonicalClass(String className) {
        return ALIASES.getOrDefault(className, className);
    }

    static boolean isSupported(String className) {
        return SUPPORTED.contains(className) || MODELS.contains(className);
    }

    static String supportedList() {
        return String.join(", ", new TreeSet<>(SUPPORTED));
    }

    /** Canonical weight names of one (unwrapped) layer, in Keras' creation order. */
    static List<String> weightNames(String className, Map<String, Object> config) {
        List<String> names = new ArrayList<>();
        boolean bias = flag(config, "use_bias");
        switch (className) {
            case "Dense", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose" -> {
                names.add("kernel");
                addIf(names, bias, "bias");
            }
            case "SeparableConv1D", "SeparableConv2D" -> {
                names.add("depthwise_kernel");
                names.add("pointwise_kernel");
                addIf(names, bias, "bias");
            }
            case "DepthwiseConv1D", "DepthwiseConv2D" -> {
                names.add("depthwise_kernel");
                addIf(names, bias, "bias");
            }
            case "LSTM", "GRU", "SimpleRNN" -> {
                names.add("kernel");
                names.add("recurrent_kernel");
                addIf(names, bias, "bias");
            }
            case "BatchNormalization" -> {
                addIf(names, flag(config, "scale"), "gamma");
                addIf(names, flag(config, "center"), "beta");
                names.add("moving_mean");
                names.add("moving_variance");
            }
            case "GroupNormalization" -> {
                addIf(names, flag(config, "scale"), "gamma");
                addIf(names, flag(config, "center"), "beta");
            }
            case "Normalization" -> {
                // adapt() state; a layer given mean/variance in its config has no weights
                if (config.get("mean") == null) {
                    names.add("mean");
                    names.add("variance");
                    names.add("count");
                }
            }
            case "LayerNormalization" -> {
                addIf(names, flag(config, "scale"), "gamma");
                // Keras 3's RMS scaling has no offset
                addIf(names, flag(config, "center") && !Boolean.TRUE.equals(config.get("rms_scaling")), "beta");
            }
            case "Embedding" -> names.add("embeddings");
            case "PReLU" -> names.add("alpha");
            default -> {
                // every other supported layer has no weights
            }
        }
        return names;
    }

    private static boolean flag(Map<String, Object> config, String key) {
        Object v = config.get(key);
        return v == null || Boolean.TRUE.equals(v);
    }

    private static void addIf(List<String> names, boolean condition, String name) {
        if (condition) {
            names.add(name);
        }
    }
}
