package io.sparkscore.runtime.jvm;

import io.sparkscore.model.Activation;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ShapeInference;
import io.sparkscore.model.UnsupportedLayerException;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides which layers the jvm path can run and builds the {@link JvmLayer} for one layer application. The support
 * check reads only the layer's class and config (and wrapped layers), so {@code inspect} can show it without input
 * shapes; everything it accepts, {@link #create} builds.
 */
final class JvmLayers {

    private static final Set<String> IDENTITY = Set.of("InputLayer", "Dropout", "SpatialDropout1D",
            "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization",
            "Flatten", "Reshape");
    private static final Set<String> PARAMETRIC_ACTIVATIONS = Set.of("LeakyReLU", "PReLU", "ELU", "ReLU",
            "ThresholdedReLU");
    private static final Set<String> CONVOLUTIONS = Set.of("Conv1D", "Conv2D", "SeparableConv1D", "SeparableConv2D",
            "DepthwiseConv1D", "DepthwiseConv2D");
    private static final Set<String> POOLING = Set.of("MaxPooling1D", "MaxPooling2D", "AveragePooling1D",
            "AveragePooling2D");
    private static final Set<String> GLOBAL_POOLING = Set.of("GlobalMaxPooling1D", "GlobalMaxPooling2D",
            "GlobalAveragePooling1D", "GlobalAveragePooling2D");
    private static final Set<String> RESIZING = Set.of("ZeroPadding1D", "ZeroPadding2D", "Cropping1D", "Cropping2D",
            "UpSampling1D", "UpSampling2D");
    private static final Set<String> RECURRENT = Set.of("SimpleRNN", "LSTM", "GRU");
    private static final Set<String> ELEMENTWISE_MERGES = Set.of("Add", "Subtract", "Multiply", "Average",
            "Maximum", "Minimum");
    private static final Set<String> OTHERS = Set.of("Dense", "Activation", "Softmax", "Permute", "RepeatVector",
            "BatchNormalization", "LayerNormalization", "Embedding", "Bidirectional", "TimeDistributed",
            "Concatenate", "Dot");

    private static final Set<String> SUPPORTED = union(IDENTITY, PARAMETRIC_ACTIVATIONS, CONVOLUTIONS, POOLING,
            GLOBAL_POOLING, RESIZING, RECURRENT, ELEMENTWISE_MERGES, OTHERS);

    private JvmLayers() {
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> s = new TreeSet<>();
        for (Set<String> x : sets) {
            s.addAll(x);
        }
        return s;
    }

    /** Empty when the jvm path can run the layer exactly as Keras does; otherwise why not. */
    static Optional<String> whyUnsupported(LayerSpec layer) {
        String cls = layer.className();
        if (!SUPPORTED.contains(cls)) {
            return Optional.of(cls + " is not supported on the jvm path (supported: " + String.join(", ", SUPPORTED)
                    + ")");
        }
        try {
            return Optional.ofNullable(problem(layer));
        } catch (UnsupportedLayerException e) {
            // A config value of the wrong type: report the config problem itself.
            return Optional.of(e.getMessage());
        }
    }

    private static String problem(LayerSpec layer) {
        String cls = layer.className();
        LayerConfig c = layer.config();
        String policy = dtypePolicy(c.raw("dtype"));
        if (policy != null && policy.contains("float16")) {
            return cls + " with dtype policy " + policy + " is not supported on the jvm path (Keras computes it in"
                    + " half precision; the jvm path computes in float32 and would not reproduce its results)";
        }
        if ("channels_first".equals(c.getString("data_format", "channels_last"))) {
            return cls + " with data_format=channels_first is not supported on the jvm path";
        }
        for (String key : List.of("activation", "recurrent_activation")) {
            String name = c.getString(key, null);
            if (name != null && unknownActivation(name)) {
                return cls + " with " + key + "=" + name + " is not supported on the jvm path (supported: "
                        + Activation.supportedNames() + ")";
            }
        }
        if (CONVOLUTIONS.contains(cls) || POOLING.contains(cls)) {
            String padding = c.getString("padding", "valid");
            boolean causalAllowed = CONVOLUTIONS.contains(cls) && cls.endsWith("1D");
            if (!padding.equals("valid") && !padding.equals("same") && !(causalAllowed && padding.equals("causal"))) {
                return cls + " with padding=" + padding + " is not supported on the jvm path";
            }
        }
        if (RECURRENT.contains(cls)) {
            for (String flag : List.of("return_state", "stateful", "time_major")) {
                if (c.getBoolean(flag, false)) {
                    return cls + " with " + flag + "=true is not supported on the jvm path"
                            + (flag.equals("return_state") ? " (a node has one output tensor)"
                            : flag.equals("stateful") ? " (batch scoring treats every row independently)" : "");
                }
            }
        }
        return switch (cls) {
            case "UpSampling2D" -> {
                String interpolation = c.getString("interpolation", "nearest");
                yield interpolation.equals("nearest") || interpolation.equals("bilinear") ? null
                        : cls + " with interpolation=" + interpolation + " is not supported on the jvm path";
            }
            case "Embedding" -> c.getBoolean("mask_zero", false) ? cls + " with mask_zero=true is not supported on"
                    + " the jvm path (later layers would have to skip the masked steps)" : null;
            case "LayerNormalization" -> c.getBoolean("rms_scaling", false) ? cls + " with rms_scaling=true is not"
                    + " supported on the jvm path" : null;
            case "Bidirectional" -> bidirectionalProblem(layer);
            case "TimeDistributed" -> {
                if (layer.children().size() != 1) {
                    yield cls + " must wrap exactly one layer but wraps " + layer.children().size();
                }
                LayerSpec inner = layer.child(0);
                if (ELEMENTWISE_MERGES.contains(inner.className()) || inner.className().equals("Concatenate")
                        || inner.className().equals("Dot")) {
                    yield cls + " of " + inner.className() + " is not supported on the jvm path";
                }
                yield whyUnsupported(inner).map(why -> cls + " wraps a layer the jvm path cannot run: " + why)
                        .orElse(null);
            }
            default -> null;
        };
    }

    private static String bidirectionalProblem(LayerSpec layer) {
        LayerConfig c = layer.config();
        if (c.asMap().containsKey("merge_mode") && c.raw("merge_mode") == null) {
            return "Bidirectional with merge_mode=None is not supported on the jvm path (it returns two tensors and"
                    + " a node has one output)";
        }
        String mode = c.getString("merge_mode", "concat");
        if (!Set.of("concat", "sum", "mul", "ave").contains(mode)) {
            return "Bidirectional with merge_mode=" + mode + " is not supported on the jvm path";
        }
        if (layer.children().size() != 2) {
            return "Bidirectional must hold [forward, backward] layers but holds " + layer.children().size();
        }
        for (LayerSpec child : layer.children()) {
            if (!RECURRENT.contains(child.className())) {
                return "Bidirectional of " + child.className() + " is not supported on the jvm path (supported:"
                        + " SimpleRNN, LSTM, GRU)";
            }
            Optional<String> why = whyUnsupported(child);
            if (why.isPresent()) {
                return "Bidirectional wraps a layer the jvm path cannot run: " + why.get();
            }
        }
        return null;
    }

    /** The dtype policy name of a layer: a plain string, or Keras' serialised DTypePolicy/Policy object. */
    private static String dtypePolicy(Object dtype) {
        if (dtype instanceof String s) {
            return s;
        }
        if (dtype instanceof Map<?, ?> m && m.get("config") instanceof Map<?, ?> config
                && config.get("name") instanceof String name) {
            return name;
        }
        return null;
    }

    private static boolean unknownActivation(String name) {
        for (Activation a : Activation.values()) {
            if (a.specName().equals(name)) {
                return false;
            }
        }
        return true;
    }

    /** Builds one application of {@code layer} to inputs of the given per-row shapes. */
    static JvmLayer create(LayerSpec layer, List<int[]> inShapes, int[] outShape) {
        Optional<String> why = whyUnsupported(layer);
        if (why.isPresent()) {
            throw new UnsupportedLayerException(layer.name(), layer.className(), why.get());
        }
        int[] x = inShapes.get(0);
        String cls = layer.className();
        int inputs = inShapes.size();
        boolean multiInput = ELEMENTWISE_MERGES.contains(cls) || cls.equals("Concatenate") || cls.equals("Dot");
        int allowedInputs = multiInput ? Integer.MAX_VALUE
                : cls.equals("LSTM") ? 3 : cls.equals("GRU") || cls.equals("SimpleRNN") ? 2 : 1;
        if (inputs > allowedInputs) {
            throw layer.config().unsupported(cls + " applied to " + inputs + " inputs is not supported on the jvm"
                    + " path" + (cls.equals("Bidirectional") ? " (initial states of a Bidirectional layer)" : ""));
        }
        if (RECURRENT.contains(cls)) {
            int units = layer.config().requireInt("units");
            for (int k = 1; k < inputs; k++) {
                if (!Arrays.equals(inShapes.get(k), new int[] {units})) {
                    throw layer.config().unsupported("initial state " + k + " has shape "
                            + Arrays.toString(inShapes.get(k)) + " but the layer has " + units + " units");
                }
            }
        }
        if (IDENTITY.contains(cls)) {
            return new CopyLayer(Weights.size(x));
        }
        if (PARAMETRIC_ACTIVATIONS.contains(cls)) {
            return new ParametricActivationLayer(layer, x);
        }
        if (CONVOLUTIONS.contains(cls)) {
            requireSpatialRank(layer, x);
            return new ConvolutionLayer(layer, x);
        }
        if (POOLING.contains(cls)) {
            requireSpatialRank(layer, x);
            return new PoolingLayer(layer, x);
        }
        if (GLOBAL_POOLING.contains(cls)) {
            requireSpatialRank(layer, x);
            return new GlobalPoolingLayer(layer, x);
        }
        if (RESIZING.contains(cls)) {
            requireSpatialRank(layer, x);
            return cls.equals("UpSampling2D") && "bilinear".equals(layer.config().getString("interpolation", ""))
                    ? new BilinearUpSamplingLayer(layer, x) : GatherLayer.resize(layer, x, outShape);
        }
        if (RECURRENT.contains(cls)) {
            return new RecurrentLayer(layer, x);
        }
        if (ELEMENTWISE_MERGES.contains(cls)) {
            return new ElementwiseMergeLayer(layer, inShapes, outShape);
        }
        return switch (cls) {
            case "Dense" -> new DenseLayer(layer, x);
            case "Activation" -> new ActivationLayer(activation(layer, "activation", "linear"), x);
            case "Softmax" -> new SoftmaxLayer(layer, x);
            case "Permute" -> GatherLayer.permute(layer, x);
            case "RepeatVector" -> GatherLayer.repeatVector(layer, x);
            case "BatchNormalization" -> new BatchNormalizationLayer(layer, x);
            case "LayerNormalization" -> new LayerNormalizationLayer(layer, x);
            case "Embedding" -> new EmbeddingLayer(layer, x);
            case "Bidirectional" -> new BidirectionalLayer(layer, x);
            case "TimeDistributed" -> timeDistributed(layer, x, outShape);
            case "Concatenate" -> new ConcatenateLayer(layer, inShapes, outShape);
            case "Dot" -> new DotLayer(layer, inShapes);
            default -> throw new IllegalStateException("no builder for supported class " + cls);
        };
    }

    private static JvmLayer timeDistributed(LayerSpec layer, int[] x, int[] outShape) {
        int[] step = Arrays.copyOfRange(x, 1, x.length);
        int[] stepOut = Arrays.copyOfRange(outShape, 1, outShape.length);
        return new TimeDistributedLayer(create(layer.child(0), List.of(step), stepOut), x[0]);
    }

    /** Convolution, pooling and resizing layers need (steps, channels) for 1D and (h, w, channels) for 2D. */
    private static void requireSpatialRank(LayerSpec layer, int[] x) {
        int expected = ShapeInference.spatialRank(layer.className()) + 1;
        if (x.length != expected) {
            throw layer.config().unsupported(layer.className() + " expects inputs with " + expected
                    + " non-batch dimensions but got " + Arrays.toString(x));
        }
    }

    static Activation activation(LayerSpec layer, String key, String defaultName) {
        return Activation.of(layer.config().getString(key, defaultName), layer.name(), layer.className());
    }
}
