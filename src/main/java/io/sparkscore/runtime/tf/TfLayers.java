package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.UnsupportedLayerException;
import io.sparkscore.model.layers.LayerEntry;
import io.sparkscore.model.layers.LayerRegistry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The tf path's builder table: a {@link TfLayerBuilder} for registry entries (a test checks that every entry has
 * one; a class the tf path could not build would be refused here with its reason).
 */
final class TfLayers {

    private static final Map<LayerEntry, TfLayerBuilder> BUILDERS = builders();

    private TfLayers() {
    }

    private static Map<LayerEntry, TfLayerBuilder> builders() {
        Map<String, TfLayerBuilder> m = new LinkedHashMap<>();
        TfLayerBuilder identity = new CoreLayers.Identity();
        for (String c : new String[] {"InputLayer", "Dropout", "SpatialDropout1D", "SpatialDropout2D",
                "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization",
                "Identity"}) {
            m.put(c, identity);
        }
        m.put("Dense", new CoreLayers.Dense());
        m.put("Activation", new CoreLayers.ActivationLayer());
        m.put("Flatten", new ReshapingLayers.Flatten());
        m.put("Reshape", new ReshapingLayers.Reshape());
        m.put("Permute", new ReshapingLayers.Permute());
        m.put("RepeatVector", new ReshapingLayers.RepeatVector());
        m.put("Conv1D", new ConvLayers(1, ConvLayers.Kind.STANDARD));
        m.put("Conv2D", new ConvLayers(2, ConvLayers.Kind.STANDARD));
        m.put("Conv3D", new ConvLayers(3, ConvLayers.Kind.STANDARD));
        m.put("Conv1DTranspose", new ConvTransposeLayers(1));
        m.put("Conv2DTranspose", new ConvTransposeLayers(2));
        m.put("Conv3DTranspose", new ConvTransposeLayers(3));
        m.put("DepthwiseConv1D", new ConvLayers(1, ConvLayers.Kind.DEPTHWISE));
        m.put("DepthwiseConv2D", new ConvLayers(2, ConvLayers.Kind.DEPTHWISE));
        m.put("SeparableConv1D", new ConvLayers(1, ConvLayers.Kind.SEPARABLE));
        m.put("SeparableConv2D", new ConvLayers(2, ConvLayers.Kind.SEPARABLE));
        m.put("MaxPooling1D", new PoolingLayers.Windowed(1, true));
        m.put("MaxPooling2D", new PoolingLayers.Windowed(2, true));
        m.put("AveragePooling1D", new PoolingLayers.Windowed(1, false));
        m.put("AveragePooling2D", new PoolingLayers.Windowed(2, false));
        m.put("MaxPooling3D", new PoolingLayers.Windowed(3, true));
        m.put("AveragePooling3D", new PoolingLayers.Windowed(3, false));
        for (String dims : new String[] {"1D", "2D", "3D"}) {
            m.put("GlobalMaxPooling" + dims, new PoolingLayers.Global(true));
            m.put("GlobalAveragePooling" + dims, new PoolingLayers.Global(false));
        }
        for (int rank = 1; rank <= 3; rank++) {
            m.put("ZeroPadding" + rank + "D", new SpatialLayers.ZeroPadding(rank));
            m.put("Cropping" + rank + "D", new SpatialLayers.Cropping(rank));
            m.put("UpSampling" + rank + "D", new SpatialLayers.UpSampling(rank));
        }
        m.put("BatchNormalization", new NormalizationLayers.BatchNormalization());
        m.put("LayerNormalization", new NormalizationLayers.LayerNormalization());
        m.put("UnitNormalization", new NormalizationLayers.UnitNormalization());
        m.put("GroupNormalization", new NormalizationLayers.GroupNormalization());
        m.put("Embedding", new EmbeddingLayer());
        m.put("Masking", new TfMasks.MaskingLayer());
        m.put("Rescaling", new PreprocessingLayers.Rescaling());
        m.put("Normalization", new PreprocessingLayers.Normalization());
        for (String cls : io.sparkscore.model.layers.CategoricalOutput.CLASSES) {
            m.put(cls, new CategoricalLayers());
        }
        m.put("HashedCrossing", new HashedCrossingLayer());
        m.put("LeakyReLU", new ActivationLayers.LeakyReLU());
        m.put("PReLU", new ActivationLayers.PReLU());
        m.put("ELU", new ActivationLayers.ELU());
        m.put("ReLU", new ActivationLayers.ReLU());
        m.put("ThresholdedReLU", new ActivationLayers.ThresholdedReLU());
        m.put("Softmax", new ActivationLayers.Softmax());
        m.put("Concatenate", new MergeLayers.Concatenate());
        m.put("Add", new MergeLayers.ElementWise(MergeLayers.ElementWise.Op.ADD));
        m.put("Subtract", new MergeLayers.ElementWise(MergeLayers.ElementWise.Op.SUBTRACT));
        m.put("Multiply", new MergeLayers.ElementWise(MergeLayers.ElementWise.Op.MULTIPLY));
        m.put("Average", new MergeLayers.ElementWise(MergeLayers.ElementWise.Op.AVERAGE));
        m.put("Maximum", new MergeLayers.ElementWise(MergeLayers.ElementWise.Op.MAXIMUM));
        m.put("Minimum", new MergeLayers.ElementWise(MergeLayers.ElementWise.Op.MINIMUM));
        m.put("Dot", new MergeLayers.Dot());
        m.put("SimpleRNN", new RecurrentLayers(RecurrentLayers.Cell.SIMPLE_RNN));
        m.put("LSTM", new RecurrentLayers(RecurrentLayers.Cell.LSTM));
        m.put("GRU", new RecurrentLayers(RecurrentLayers.Cell.GRU));
        m.put("ConvLSTM1D", new ConvLstmLayer(1));
        m.put("ConvLSTM2D", new ConvLstmLayer(2));
        m.put("ConvLSTM3D", new ConvLstmLayer(3));
        m.put("EinsumDense", new AttentionLayers.EinsumDense());
        m.put("TFOpLambda", new OpLambdaLayers());
        m.put("SlicingOpLambda", new OpLambdaLayers());
        m.put(io.sparkscore.model.layers.KerasOperations.CLASS, new OpLambdaLayers());
        m.put("Attention", new AttentionLayers.DenseAttention());
        m.put("AdditiveAttention", new AttentionLayers.DenseAttention());
        m.put("MultiHeadAttention", new AttentionLayers.MultiHeadAttention());
        m.put("Bidirectional", new WrapperLayers.Bidirectional());
        m.put("TimeDistributed", new WrapperLayers.TimeDistributed());
        Map<LayerEntry, TfLayerBuilder> byEntry = new LinkedHashMap<>();
        m.forEach((cls, builder) -> byEntry.put(LayerRegistry.find(cls).orElseThrow(() -> new IllegalStateException(
                "the tf builder table names " + cls + ", which has no registry entry")), builder));
        return byEntry;
    }

    static Optional<TfLayerBuilder> find(String className) {
        return LayerRegistry.find(className).map(BUILDERS::get);
    }

    /** Whether the tf path builds the class (subject to its options). */
    static boolean builds(LayerEntry entry) {
        return BUILDERS.containsKey(entry);
    }

    /** The builder for a layer, after checking its options; throws naming the layer, its class and the problem. */
    static TfLayerBuilder validated(LayerSpec layer) {
        TfLayerBuilder builder = find(layer.className()).orElseThrow(() -> new UnsupportedLayerException(
                layer.name(), layer.className(), "layer class '" + layer.className() + "' is not supported on the tf"
                + " path; supported classes: " + String.join(", ", new TreeSet<>(BUILDERS.keySet().stream()
                .map(LayerEntry::className).toList()))));
        builder.validate(layer);
        return builder;
    }
}
