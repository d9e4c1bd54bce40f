package io.sparkscore.runtime.jvm;

import io.sparkscore.model.Activation;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.UnsupportedLayerException;
import io.sparkscore.model.layers.CallSignature;
import io.sparkscore.model.layers.LayerEntry;
import io.sparkscore.model.layers.GroupNormalizationOptions;
import io.sparkscore.model.layers.LayerRegistry;
import io.sparkscore.model.layers.SpatialAxes;
import io.sparkscore.model.layers.UpSamplingOptions;
import io.sparkscore.model.layers.WindowOptions;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The jvm path's builder table: for every {@link LayerEntry} of the registry a {@link Factory} that builds the
 * {@link JvmLayer} of one layer application (a test checks that every entry has one; a class the jvm path could not
 * build would be refused here with its reason). The support check reads only the layer's class and config (and
 * wrapped layers), so {@code inspect} can show it without input shapes; everything it accepts, {@link #create}
 * builds.
 */
final class JvmLayers {

    /** Builds one application of a layer whose class and options {@link #whyUnsupported} accepted. */
    @FunctionalInterface
    interface Factory {
        JvmLayer create(Call call);
    }

    /**
     * One layer application: the layer, its inputs' and output's per-row shapes (channels_last: channels_first layers
     * are run between channel moves, see {@link JvmGraph}), the major version of the Keras that wrote the file (for
     * version-dependent defaults), whether a Keras mask comes as an extra last input, and the call's arguments
     * ({@code NodeSpec#callArgs}).
     */
    record Call(LayerSpec layer, List<int[]> inShapes, int[] outShape, int kerasMajor, boolean masked,
                Map<String, Object> callArgs) {
        /** The first input's shape. */
        int[] x() {
            return inShapes.get(0);
        }

        /** The node input holding the mask, or -1 without one. */
        int maskInput() {
            return masked ? inShapes.size() : -1;
        }
    }

    private static final Set<String> PARAMETRIC_ACTIVATIONS = Set.of("LeakyReLU", "PReLU", "ELU", "ReLU",
            "ThresholdedReLU");
    private static final Set<String> CONVOLUTIONS = Set.of("Conv1D", "Conv2D", "Conv3D", "SeparableConv1D",
            "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D");
    private static final Set<String> TRANSPOSED_CONVOLUTIONS = Set.of("Conv1DTranspose", "Conv2DTranspose",
            "Conv3DTranspose");
    private static final Set<String> POOLING = Set.of("MaxPooling1D", "MaxPooling2D", "MaxPooling3D",
            "AveragePooling1D", "AveragePooling2D", "AveragePooling3D");
    private static final Set<String> RECURRENT = Set.of("SimpleRNN", "LSTM", "GRU");
    private static final Set<String> ELEMENTWISE_MERGES = Set.of("Add", "Subtract", "Multiply", "Average",
            "Maximum", "Minimum");

    private static final Map<LayerEntry, Factory> BUILDERS = new LinkedHashMap<>();

    static {
        for (String cls : List.of("InputLayer", "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
                "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization", "Identity", "Flatten",
                "Reshape")) {
            // inactive at inference, or only relabelling the row-major shape
            build(cls, call -> new CopyLayer(Weights.size(call.x())));
        }
        build("Dense", call -> new DenseLayer(call.layer(), call.x()));
        build("Activation", call -> new ActivationLayer(activation(call.layer(), "activation", "linear"), call.x()));
        build("Permute", call -> GatherLayer.permute(call.layer(), call.x()));
        build("RepeatVector", call -> GatherLayer.repeatVector(call.layer(), call.x()));
        for (String cls : CONVOLUTIONS) {
            build(cls, call -> new ConvolutionLayer(call.layer(), call.x()));
        }
        for (String cls : TRANSPOSED_CONVOLUTIONS) {
            build(cls, call -> new TransposedConvolutionLayer(call.layer(), call.x()));
        }
        for (String cls : POOLING) {
            build(cls, call -> new PoolingLayer(call.layer(), call.x()));
        }
        for (String cls : List.of("GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
                "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D")) {
            build(cls, call -> new GlobalPoolingLayer(call.layer(), call.x(), call.masked()));
        }
        for (String cls : List.of("ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D",
                "Cropping3D", "UpSampling1D", "UpSampling3D")) {
            build(cls, call -> GatherLayer.resize(call.layer(), call.x(), call.outShape()));
        }
        build("UpSampling2D", call -> UpSamplingOptions.of(call.layer()).bilinear()
                ? new BilinearUpSamplingLayer(call.layer(), call.x())
                : GatherLayer.resize(call.layer(), call.x(), call.outShape()));
        build("BatchNormalization", call -> new BatchNormalizationLayer(call.layer(), call.x()));
        build("LayerNormalization", call -> new LayerNormalizationLayer(call.layer(), call.x()));
        build("GroupNormalization", call -> new GroupNormalizationLayer(call.layer(), call.x()));
        build("UnitNormalization", call -> new UnitNormalizationLayer(call.layer(), call.x()));
        build("Rescaling", call -> new RescalingLayer(call.layer(), call.x()));
        build("Normalization", call -> new StandardizationLayer(call.layer(), call.x()));
        build("Embedding", call -> new EmbeddingLayer(call.layer(), call.x()));
        build("Masking", call -> MaskLayers.masking(call.layer(), call.x()));
        for (String cls : RECURRENT) {
            build(cls, call -> new RecurrentLayer(call.layer(), call.x(), call.kerasMajor(), call.maskInput()));
        }
        build("Bidirectional", call -> new BidirectionalLayer(call.layer(), call.x(), call.kerasMajor(),
                call.maskInput()));
        build("TimeDistributed", JvmLayers::timeDistributed);
        build("Concatenate", call -> new ConcatenateLayer(call.layer(), call.inShapes(), call.outShape()));
        for (String cls : ELEMENTWISE_MERGES) {
            build(cls, call -> new ElementwiseMergeLayer(call.layer(), call.inShapes(), call.outShape()));
        }
        build("Dot", call -> new DotLayer(call.layer(), call.inShapes(), call.kerasMajor()));
        for (String cls : PARAMETRIC_ACTIVATIONS) {
            build(cls, call -> new ParametricActivationLayer(call.layer(), call.x()));
        }
        build("Softmax", call -> new SoftmaxLayer(call.layer(), call.x()));
        build("EinsumDense", call -> new EinsumDenseLayer(call.layer(), call.x()));
        for (String cls : List.of("TFOpLambda", "SlicingOpLambda", io.sparkscore.model.layers.KerasOperations.CLASS)) {
            build(cls, call -> new OpLambdaLayer(call.layer(), call.inShapes(), call.callArgs()));
        }
        for (String cls : io.sparkscore.model.layers.CategoricalOutput.CLASSES) {
            build(cls, call -> new CategoricalLayer(call.layer(), call.x()));
        }
        build("HashedCrossing", call -> new HashedCrossingLayer(call.layer(), call.inShapes().size()));
        for (String cls : List.of("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")) {
            build(cls, call -> new ConvLstmLayer(call.layer(), call.x(), call.outShape(), call.kerasMajor()));
        }
        for (String cls : List.of("Attention", "AdditiveAttention")) {
            build(cls, call -> new DenseAttentionLayer(call.layer(), call.inShapes(), causal(call), call.masked()));
        }
        build("MultiHeadAttention", call -> new MultiHeadAttentionLayer(call.layer(), call.inShapes(), causal(call),
                call.masked()));
    }

    private JvmLayers() {
    }

    private static void build(String className, Factory factory) {
        BUILDERS.put(entry(className), factory);
    }

    private static LayerEntry entry(String className) {
        return LayerRegistry.find(className).orElseThrow(() -> new IllegalStateException("the jvm builder table"
                + " names " + className + ", which has no registry entry"));
    }

    /** Whether the jvm path builds the class (subject to its options). */
    static boolean builds(LayerEntry entry) {
        return BUILDERS.containsKey(entry);
    }

    /** Empty when the jvm path can run the layer exactly as Keras does; otherwise why not. */
    static Optional<String> whyUnsupported(LayerSpec layer) {
        Optional<LayerEntry> entry = LayerRegistry.find(layer.className());
        if (entry.isEmpty()) {
            return Optional.of(layer.className() + " is not supported on the jvm path (supported: "
                    + String.join(", ", supportedClasses()) + ")");
        }
        try {
            return Optional.ofNullable(problem(layer));
        } catch (UnsupportedLayerException e) {
            // A config value of the wrong type: report the config problem itself.
            return Optional.of(e.getMessage());
        }
    }

    private static Set<String> supportedClasses() {
        Set<String> names = new TreeSet<>();
        BUILDERS.keySet().forEach(e -> names.add(e.className()));
        return names;
    }

    private static String problem(LayerSpec layer) {
        String cls = layer.className();
        LayerConfig c = layer.config();
        String policy = dtypePolicy(c.raw("dtype"));
        if (policy != null && policy.contains("float16")) {
            return cls + " with dtype policy " + policy + " is not supported on the jvm path (Keras computes it in"
                    + " half precision; the jvm path computes in float32 and would not reproduce its results)";
        }
        String format = c.getString("data_format", "channels_last");
        if (!format.equals("channels_last") && !format.equals("channels_first")) {
            return cls + " with data_format=" + format + " is not supported (expected channels_last or"
                    + " channels_first)";
        }
        for (String key : List.of("activation", "recurrent_activation")) {
            String name = c.getString(key, null);
            if (name != null && unknownActivation(name)) {
                return cls + " with " + key + "=" + name + " is not supported on the jvm path (supported: "
                        + Activation.supportedNames() + ")";
            }
        }
        if (CONVOLUTIONS.contains(cls) || TRANSPOSED_CONVOLUTIONS.contains(cls) || POOLING.contains(cls)) {
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
            case "UpSampling1D", "UpSampling2D", "UpSampling3D" -> {
                String why = UpSamplingOptions.of(layer).unsupported();
                yield why == null ? null : cls + " with " + why;
            }
            case "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose" -> Arrays.stream(WindowOptions.of(layer)
                    .dilation()).anyMatch(d -> d != 1) ? cls + " with dilation_rate other than 1 is not supported"
                    + " (nor on the tf path: TensorFlow's CPU kernels do not dilate it)" : null;
            case "GroupNormalization" -> GroupNormalizationOptions.of(layer).unsupported();
            case "LayerNormalization" -> c.getBoolean("rms_scaling", false) ? cls + " with rms_scaling=true is not"
                    + " supported on the jvm path" : null;
            case "EinsumDense" -> EinsumDenseLayer.whyUnsupported(layer);
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
                if (SpatialAxes.channelsFirst(inner.config()) && !inner.className().startsWith("SpatialDropout")) {
                    yield cls + " of a channels_first " + inner.className() + " is not supported on the jvm path"
                            + " (it runs on the tf path)";
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

    /**
     * Builds one application of {@code layer} to inputs of the given per-row shapes (channels_last), with a Keras mask
     * as an extra last input when {@code masked}, and the call's arguments.
     */
    private static boolean causal(Call call) {
        return Boolean.TRUE.equals(call.callArgs().get(CallSignature.USE_CAUSAL_MASK));
    }

    static JvmLayer create(LayerSpec layer, List<int[]> inShapes, int[] outShape, int kerasMajor, boolean masked,
                           Map<String, Object> callArgs) {
        Optional<String> why = whyUnsupported(layer);
        if (why.isPresent()) {
            throw new UnsupportedLayerException(layer.name(), layer.className(), why.get());
        }
        LayerEntry entry = LayerRegistry.require(layer);
        String cls = layer.className();
        int inputs = inShapes.size();
        int allowedInputs = entry.inputs() == LayerEntry.Inputs.LIST ? Integer.MAX_VALUE
                : entry.inputs() == LayerEntry.Inputs.QUERY_VALUE_KEY ? 3
                : entry.inputs() == LayerEntry.Inputs.OPERATION ? Integer.MAX_VALUE
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
        return BUILDERS.get(entry).create(new Call(layer, inShapes, outShape, kerasMajor, masked, callArgs));
    }

    private static JvmLayer timeDistributed(Call call) {
        int[] x = call.x();
        int[] step = Arrays.copyOfRange(x, 1, x.length);
        int[] stepOut = Arrays.copyOfRange(call.outShape(), 1, call.outShape().length);
        return new TimeDistributedLayer(create(call.layer().child(0), List.of(step), stepOut, call.kerasMajor(),
                false, Map.of()), x[0]);
    }

    static Activation activation(LayerSpec layer, String key, String defaultName) {
        return Activation.of(layer.config().getString(key, defaultName), layer.name(), layer.className());
    }
}
