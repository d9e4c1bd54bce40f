package io.sparkscore.model.layers;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.UnsupportedLayerException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static io.sparkscore.model.layers.LayerEntry.Inputs.LIST;
import static io.sparkscore.model.layers.LayerEntry.Inputs.ONE;
import static io.sparkscore.model.layers.LayerEntry.Inputs.OPERATION;
import static io.sparkscore.model.layers.LayerEntry.Inputs.QUERY_VALUE_KEY;
import static io.sparkscore.model.layers.LayerEntry.Inputs.SEQUENCE_AND_STATES;
import static io.sparkscore.model.layers.LayerFamily.ACTIVATION;
import static io.sparkscore.model.layers.LayerFamily.ATTENTION;
import static io.sparkscore.model.layers.LayerFamily.CONVOLUTION;
import static io.sparkscore.model.layers.LayerFamily.CORE;
import static io.sparkscore.model.layers.LayerFamily.EMBEDDING_AND_MASKING;
import static io.sparkscore.model.layers.LayerFamily.KERAS_OPERATIONS;
import static io.sparkscore.model.layers.LayerFamily.MERGE;
import static io.sparkscore.model.layers.LayerFamily.NORMALIZATION;
import static io.sparkscore.model.layers.LayerFamily.OPERATIONS;
import static io.sparkscore.model.layers.LayerFamily.PADDING_AND_RESIZING;
import static io.sparkscore.model.layers.LayerFamily.POOLING;
import static io.sparkscore.model.layers.LayerFamily.PREPROCESSING;
import static io.sparkscore.model.layers.LayerFamily.RECURRENT;
import static io.sparkscore.model.layers.LayerFamily.RESHAPING;
import static io.sparkscore.model.layers.LayerFamily.WRAPPER;

/**
 * The one list of the Keras layer classes sparkscore reads, with everything about each that does not depend on a
 * prediction path ({@link LayerEntry}). The readers accept exactly these classes, shape inference applies their
 * rules, and each path attaches its builder to every entry; a test checks that no entry is left without one (a
 * path's support check refuses options it cannot run). Adding a layer is one entry here plus its path builders and
 * tests.
 *
 * <p>Immutable and thread-safe.
 */
public final class LayerRegistry {

    /** Model classes that may appear as layers (nested models); they are expanded by the readers, not built. */
    public static final Set<String> MODEL_CLASSES = Set.of("Sequential", "Functional", "Model");

    private static final Map<String, LayerEntry> ENTRIES = Collections.unmodifiableMap(build());
    private static final Map<String, String> ALIASES = aliases();

    private LayerRegistry() {
    }

    private static Map<String, LayerEntry> build() {
        Map<String, LayerEntry> m = new LinkedHashMap<>();
        // core: layers that are the identity at inference keep their input's shape
        for (String cls : List.of("InputLayer", "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
                "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization")) {
            add(m, simple(cls, CORE, ShapeRule.PRESERVING));
        }
        // FeatureSpace's encoded-features graph passes plain "float" features through its TFDIdentity
        add(m, aliased("Identity", CORE, ShapeRule.PRESERVING, "TFDIdentity"));
        add(m, new LayerEntry("Dense", CORE, List.of(), ONE, false, kernelAndBias("kernel"), CoreShapes::dense,
                Optional.empty()));
        add(m, simple("Activation", CORE, ShapeRule.PRESERVING));
        add(m, new LayerEntry("EinsumDense", CORE, List.of(), ONE, false, EinsumDenseOptions::weightNames,
                EinsumDenseOptions::shape, Optional.of(EinsumDenseOptions::of)));

        add(m, simple("Flatten", RESHAPING, CoreShapes::flatten));
        add(m, simple("Reshape", RESHAPING, CoreShapes::reshape));
        add(m, simple("Permute", RESHAPING, CoreShapes::permute));
        add(m, simple("RepeatVector", RESHAPING, CoreShapes::repeatVector));

        for (int rank = 1; rank <= 3; rank++) {
            String d = rank + "D";
            add(m, window("Conv" + d, kernelAndBias("kernel"), SpatialShapes::convolution,
                    List.of("Convolution" + d)));
            add(m, window("Conv" + d + "Transpose", kernelAndBias("kernel"), SpatialShapes::transposedConvolution,
                    List.of("Convolution" + d + "Transpose")));
        }
        for (int rank = 1; rank <= 2; rank++) {
            String d = rank + "D";
            add(m, window("SeparableConv" + d, kernelAndBias("depthwise_kernel", "pointwise_kernel"),
                    SpatialShapes::convolution, List.of("SeparableConvolution" + d)));
            add(m, window("DepthwiseConv" + d, kernelAndBias("depthwise_kernel"), SpatialShapes::convolution,
                    List.of()));
        }

        for (int rank = 1; rank <= 3; rank++) {
            String d = rank + "D";
            add(m, pooling("MaxPooling" + d, "MaxPool" + d));
            add(m, pooling("AveragePooling" + d, "AvgPool" + d));
        }
        for (int rank = 1; rank <= 3; rank++) {
            String d = rank + "D";
            add(m, aliased("GlobalMaxPooling" + d, POOLING, SpatialShapes::globalPooling, "GlobalMaxPool" + d));
            add(m, aliased("GlobalAveragePooling" + d, POOLING, SpatialShapes::globalPooling, "GlobalAvgPool" + d,
                    "GlobalAveragePool" + d));
        }

        for (int rank = 1; rank <= 3; rank++) {
            String d = rank + "D";
            add(m, options("ZeroPadding" + d, PADDING_AND_RESIZING, SpatialShapes::paddingOrCropping,
                    (layer, major) -> PaddingOptions.of(layer)));
            add(m, options("Cropping" + d, PADDING_AND_RESIZING, SpatialShapes::paddingOrCropping,
                    (layer, major) -> PaddingOptions.of(layer)));
            add(m, options("UpSampling" + d, PADDING_AND_RESIZING, SpatialShapes::upSampling,
                    (layer, major) -> UpSamplingOptions.of(layer)));
        }

        add(m, withWeights("BatchNormalization", NORMALIZATION, config -> {
            List<String> names = new ArrayList<>();
            addIf(names, flag(config, "scale"), "gamma");
            addIf(names, flag(config, "center"), "beta");
            names.add("moving_mean");
            names.add("moving_variance");
            return names;
        }, ShapeRule.PRESERVING, List.of()));
        add(m, withWeights("LayerNormalization", NORMALIZATION, config -> {
            List<String> names = new ArrayList<>();
            addIf(names, flag(config, "scale"), "gamma");
            // Keras 3's RMS scaling has no offset
            addIf(names, flag(config, "center") && !Boolean.TRUE.equals(config.get("rms_scaling")), "beta");
            return names;
        }, ShapeRule.PRESERVING, List.of()));
        add(m, withOptions(withWeights("GroupNormalization", NORMALIZATION, config -> {
            List<String> names = new ArrayList<>();
            addIf(names, flag(config, "scale"), "gamma");
            addIf(names, flag(config, "center"), "beta");
            return names;
        }, ShapeRule.PRESERVING, List.of()), (layer, major) -> GroupNormalizationOptions.of(layer)));
        add(m, options("UnitNormalization", NORMALIZATION, ShapeRule.PRESERVING,
                (layer, major) -> UnitNormalizationOptions.of(layer)));

        add(m, options("Rescaling", PREPROCESSING, ShapeRule.PRESERVING,
                (layer, major) -> RescalingOptions.of(layer)));
        // adapt() state; a layer given mean/variance in its config has no weights
        add(m, withOptions(withWeights("Normalization", PREPROCESSING, config -> config.get("mean") == null
                ? List.of("mean", "variance", "count") : List.of(), ShapeRule.PRESERVING, List.of()),
                (layer, major) -> NormalizationOptions.of(layer)));
        // categorical preprocessing: the lookups' indices are computed on the rows (model.categorical.InputEncodings)
        for (String cls : CategoricalOutput.CLASSES) {
            add(m, new LayerEntry(cls, PREPROCESSING, List.of(), ONE, false, CategoricalOutput::weightNames,
                    CategoricalOutput::outputShape, Optional.of(CategoricalOutput::of)));
        }
        add(m, new LayerEntry("HashedCrossing", PREPROCESSING, List.of(), LIST, false, WeightNames.NONE,
                HashedCrossingOptions::outputShape, Optional.of(HashedCrossingOptions::of)));

        add(m, withWeights("Embedding", EMBEDDING_AND_MASKING, config -> List.of("embeddings"),
                CoreShapes::embedding, List.of()));
        add(m, options("Masking", EMBEDDING_AND_MASKING, ShapeRule.PRESERVING,
                (layer, major) -> MaskingOptions.of(layer)));

        for (String cls : List.of("SimpleRNN", "LSTM", "GRU")) {
            add(m, new LayerEntry(cls, RECURRENT, List.of(), SEQUENCE_AND_STATES, false,
                    kernelAndBias("kernel", "recurrent_kernel"), RecurrentOptions::outputShape,
                    Optional.of(RecurrentOptions::of)));
        }

        for (String cls : List.of("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")) {
            add(m, new LayerEntry(cls, RECURRENT, List.of(), ONE, false, kernelAndBias("kernel", "recurrent_kernel"),
                    ConvLstmOptions::outputShape, Optional.of(ConvLstmOptions::of)));
        }

        add(m, new LayerEntry("Bidirectional", WRAPPER, List.of(), SEQUENCE_AND_STATES, true, WeightNames.NONE,
                CoreShapes::bidirectional, Optional.empty()));
        add(m, new LayerEntry("TimeDistributed", WRAPPER, List.of(), ONE, true, WeightNames.NONE,
                CoreShapes::timeDistributed, Optional.empty()));

        // FeatureSpace(output_mode="concat") joins its encoded features with its TFDConcat(axis)
        add(m, new LayerEntry("Concatenate", MERGE, List.of("TFDConcat"), LIST, false, WeightNames.NONE,
                MergeShapes::concatenate, Optional.empty()));
        for (String cls : List.of("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")) {
            add(m, new LayerEntry(cls, MERGE, List.of(), LIST, false, WeightNames.NONE, MergeShapes::broadcast,
                    Optional.empty()));
        }
        add(m, new LayerEntry("Dot", MERGE, List.of(), LIST, false, WeightNames.NONE, DotOptions::outputShape,
                Optional.of(DotOptions::of)));

        for (String cls : List.of("Attention", "AdditiveAttention")) {
            add(m, new LayerEntry(cls, ATTENTION, List.of(), LIST, false,
                    config -> AttentionOptions.weightNames(cls, config), AttentionOptions::shape,
                    Optional.of(AttentionOptions::of)));
        }
        add(m, new LayerEntry("MultiHeadAttention", ATTENTION, List.of(), QUERY_VALUE_KEY, false,
                MultiHeadAttentionOptions::weightNames, MultiHeadAttentionOptions::shape,
                Optional.of(MultiHeadAttentionOptions::of)));

        for (String cls : List.of("TFOpLambda", "SlicingOpLambda")) {
            CallShapeRule rule = (layer, args, inputs) -> OpLambdaCall.of(layer, args, inputs)
                    .outputShape(layer.config(), inputs);
            add(m, new LayerEntry(cls, OPERATIONS, List.of(), OPERATION, false, WeightNames.NONE, rule,
                    Optional.of(OpLambdaCall::checked)));
        }
        add(m, new LayerEntry(KerasOperations.CLASS, KERAS_OPERATIONS, List.of(), OPERATION, false, WeightNames.NONE,
                (CallShapeRule) (layer, args, inputs) -> OpLambdaCall.of(layer, args, inputs)
                        .outputShape(layer.config(), inputs), Optional.of(OpLambdaCall::checked)));

        for (String cls : List.of("LeakyReLU", "ELU", "ReLU", "ThresholdedReLU", "Softmax")) {
            add(m, simple(cls, ACTIVATION, ShapeRule.PRESERVING));
        }
        add(m, withWeights("PReLU", ACTIVATION, config -> List.of("alpha"), ShapeRule.PRESERVING, List.of()));
        return m;
    }

    private static LayerEntry simple(String cls, LayerFamily family, ShapeRule rule) {
        return new LayerEntry(cls, family, List.of(), ONE, false, WeightNames.NONE, rule, Optional.empty());
    }

    private static LayerEntry aliased(String cls, LayerFamily family, ShapeRule rule, String... aliases) {
        return new LayerEntry(cls, family, List.of(aliases), ONE, false, WeightNames.NONE, rule, Optional.empty());
    }

    /** A windowed pooling layer: its window options are parsed when the file is read. */
    private static LayerEntry pooling(String cls, String alias) {
        return new LayerEntry(cls, POOLING, List.of(alias), ONE, false, WeightNames.NONE, SpatialShapes::pooling,
                Optional.of((layer, major) -> WindowOptions.of(layer)));
    }

    private static LayerEntry options(String cls, LayerFamily family, ShapeRule rule, LayerOptions.Parser parser) {
        return new LayerEntry(cls, family, List.of(), ONE, false, WeightNames.NONE, rule, Optional.of(parser));
    }

    /** The entry with the parser of its typed options record. */
    private static LayerEntry withOptions(LayerEntry e, LayerOptions.Parser parser) {
        return new LayerEntry(e.className(), e.family(), e.aliases(), e.inputs(), e.wrapper(), e.weights(),
                e.shapeRule(), Optional.of(parser));
    }

    private static LayerEntry withWeights(String cls, LayerFamily family, WeightNames weights, ShapeRule rule,
                                          List<String> aliases) {
        return new LayerEntry(cls, family, aliases, ONE, false, weights, rule, Optional.empty());
    }

    /** A convolution: its window options are parsed when the file is read. */
    private static LayerEntry window(String cls, WeightNames weights, ShapeRule rule, List<String> aliases) {
        return new LayerEntry(cls, CONVOLUTION, aliases, ONE, false, weights, rule,
                Optional.of((layer, major) -> WindowOptions.of(layer)));
    }

    private static void add(Map<String, LayerEntry> m, LayerEntry e) {
        if (m.put(e.className(), e) != null) {
            throw new IllegalStateException("two registry entries for " + e.className());
        }
    }

    private static Map<String, String> aliases() {
        Map<String, String> m = new LinkedHashMap<>();
        for (LayerEntry e : ENTRIES.values()) {
            for (String alias : e.aliases()) {
                m.put(alias, e.className());
            }
        }
        m.put("Model", "Functional");
        return Collections.unmodifiableMap(m);
    }

    /** The given weight names, then {@code bias} unless {@code use_bias} is false. */
    private static WeightNames kernelAndBias(String... kernels) {
        return config -> {
            List<String> names = new ArrayList<>(List.of(kernels));
            addIf(names, flag(config, "use_bias"), "bias");
            return names;
        };
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

    /** Every entry, grouped by family in the order the README lists them. */
    public static Collection<LayerEntry> entries() {
        return ENTRIES.values().stream()
                .sorted(java.util.Comparator.comparing(LayerEntry::family))
                .toList();
    }

    /** The class a Keras alias names ({@code MaxPool2D -> MaxPooling2D}, {@code Model -> Functional}). */
    public static String canonicalClass(String className) {
        return ALIASES.getOrDefault(className, className);
    }

    public static Optional<LayerEntry> find(String className) {
        return Optional.ofNullable(ENTRIES.get(className));
    }

    /** The entry of a layer's class; a class outside the registry is refused with the supported list. */
    public static LayerEntry require(LayerSpec layer) {
        LayerEntry e = ENTRIES.get(layer.className());
        if (e == null) {
            throw new UnsupportedLayerException(layer.name(), layer.className(), "layer class '"
                    + layer.className() + "' is not supported; supported layers: " + supportedList());
        }
        return e;
    }

    /** A layer's weight names in Keras' creation order; a nested model has none of its own. */
    public static List<String> weightNames(String className, Map<String, Object> config) {
        return find(className).map(e -> e.weights().of(config)).orElse(List.of());
    }

    public static boolean isRecurrent(String className) {
        return find(className).map(e -> e.family() == RECURRENT).orElse(false);
    }

    public static boolean isWrapper(String className) {
        return find(className).map(LayerEntry::wrapper).orElse(false);
    }

    /** Whether calls of the class pass their tensors as one list (merge layers). */
    public static boolean takesList(String className) {
        return find(className).map(e -> e.inputs() == LIST).orElse(false);
    }

    /** Whether calls of the class may pass more than one tensor (a list, or a sequence and initial states). */
    public static boolean takesSeveral(String className) {
        return find(className).map(e -> e.inputs() != ONE).orElse(false);
    }

    /** The supported class names, sorted, for error messages. */
    public static String supportedList() {
        return ENTRIES.keySet().stream().sorted().collect(Collectors.joining(", "));
    }
}
