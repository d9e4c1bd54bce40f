package io.sparkscore.runtime;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One small seeded use of every registry class, as a branch of a graph: each branch reads the shared flat input
 * {@code x} of {@value #FEATURES} values (through a Dense and a Reshape to the shape the layer wants) or, for
 * Embedding, the integer input {@code ids} of {@value #IDS} values, and returns its output tensor. A test checks that
 * every registry entry has a sample here, so a new layer comes with one.
 */
final class RegisteredLayerSamples {

    static final int FEATURES = 8;
    static final int IDS = 5;
    static final int VOCABULARY = 10;

    /** A branch: given the graph and its inputs {@code x} and {@code ids}, calls the sample's layers. */
    @FunctionalInterface
    interface Sample {
        String apply(RandomNet net, String x, String ids);
    }

    private RegisteredLayerSamples() {
    }

    static final Map<String, Sample> SAMPLES = samples();

    /** {@code x} mapped to a tensor of the given shape. */
    private static String shaped(RandomNet net, String x, int... shape) {
        int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        String flat = net.call(net.layers().dense(FEATURES, size, "linear"), x);
        return net.call(net.layers().reshape(shape), flat);
    }

    private static Sample on(int[] shape, java.util.function.Function<KerasLayers, io.sparkscore.model.LayerSpec>
            layer) {
        return (net, x, ids) -> net.call(layer.apply(net.layers()), shaped(net, x, shape));
    }

    private static int[] s(int... shape) {
        return shape;
    }

    private static Sample merge(String cls) {
        return (net, x, ids) -> net.call(net.layers().merge(cls), shaped(net, x, 3), shaped(net, x, 3));
    }

    private static Map<String, Sample> samples() {
        Map<String, Sample> m = new LinkedHashMap<>();
        // a model's input is its InputLayer: the sample outputs it as it is
        m.put("InputLayer", (net, x, ids) -> x);
        m.put("Dropout", on(s(4), l -> l.dropout(0.5)));
        m.put("SpatialDropout1D", on(s(4, 3), l -> l.spatialDropout(1, 0.5)));
        m.put("SpatialDropout2D", on(s(3, 3, 2), l -> l.spatialDropout(2, 0.5)));
        m.put("SpatialDropout3D", on(s(2, 2, 2, 2), l -> l.spatialDropout(3, 0.5)));
        m.put("GaussianNoise", on(s(4), l -> l.gaussianNoise(0.3)));
        m.put("GaussianDropout", on(s(4), l -> l.gaussianDropout(0.3)));
        m.put("AlphaDropout", on(s(4), l -> l.alphaDropout(0.3)));
        m.put("ActivityRegularization", on(s(4), l -> l.activityRegularization(0.01, 0.01)));
        m.put("Identity", on(s(4), KerasLayers::identity));
        m.put("Dense", on(s(4), l -> l.dense(4, 3, "relu")));
        m.put("Activation", on(s(4), l -> l.activation("tanh")));
        m.put("Flatten", on(s(2, 3), KerasLayers::flatten));
        m.put("Reshape", on(s(6), l -> l.reshape(2, 3)));
        m.put("Permute", on(s(2, 3), l -> l.permute(2, 1)));
        m.put("RepeatVector", on(s(3), l -> l.repeatVector(2)));
        m.put("Conv1D", on(s(6, 2), l -> l.conv(2, 3, s(3), s(1), "valid", s(1), 1, "relu", true)));
        m.put("Conv2D", on(s(4, 4, 2), l -> l.conv(2, 3, s(2, 2), s(1, 1), "same", s(1, 1), 1, "relu", true)));
        m.put("Conv3D", on(s(3, 3, 3, 2), l -> l.conv(2, 2, s(2, 2, 2), s(1, 1, 1), "valid", s(1, 1, 1), 1,
                "linear", true)));
        m.put("Conv1DTranspose", on(s(4, 2), l -> l.convTranspose(2, 3, s(3), s(2), "valid", "linear")));
        m.put("Conv2DTranspose", on(s(3, 3, 2), l -> l.convTranspose(2, 2, s(2, 2), s(1, 1), "same", "relu")));
        m.put("Conv3DTranspose", on(s(2, 2, 2, 2), l -> l.convTranspose(2, 2, s(2, 2, 2), s(1, 1, 1), "valid",
                "linear")));
        m.put("SeparableConv1D", on(s(6, 2), l -> l.separableConv(2, 3, s(3), s(1), "valid", s(1), 1, "relu",
                true)));
        m.put("SeparableConv2D", on(s(4, 4, 2), l -> l.separableConv(2, 3, s(2, 2), s(1, 1), "same", s(1, 1), 2,
                "relu", true)));
        m.put("DepthwiseConv1D", on(s(6, 2), l -> l.depthwiseConv(2, s(3), s(1), "valid", s(1), 2, "linear",
                true)));
        m.put("DepthwiseConv2D", on(s(4, 4, 2), l -> l.depthwiseConv(2, s(2, 2), s(1, 1), "same", s(1, 1), 1,
                "linear", true)));
        for (String kind : new String[] {"Max", "Average"}) {
            m.put(kind + "Pooling1D", on(s(6, 2), l -> l.pooling(kind, s(2), null, "valid")));
            m.put(kind + "Pooling2D", on(s(4, 4, 2), l -> l.pooling(kind, s(2, 2), null, "valid")));
            m.put(kind + "Pooling3D", on(s(4, 4, 4, 1), l -> l.pooling(kind, s(2, 2, 2), null, "valid")));
            m.put("Global" + kind + "Pooling1D", on(s(6, 2), l -> l.globalPooling(kind, 1, false)));
            m.put("Global" + kind + "Pooling2D", on(s(4, 4, 2), l -> l.globalPooling(kind, 2, true)));
            m.put("Global" + kind + "Pooling3D", on(s(2, 2, 2, 2), l -> l.globalPooling(kind, 3, false)));
        }
        m.put("ZeroPadding1D", on(s(6, 2), l -> l.zeroPadding1D(1, 2)));
        m.put("ZeroPadding2D", on(s(3, 3, 2), l -> l.zeroPadding2D(1, 0, 0, 1)));
        m.put("ZeroPadding3D", on(s(2, 2, 2, 1), l -> l.padOrCrop3D("ZeroPadding3D", 1, 0, 0, 1, 1, 1)));
        m.put("Cropping1D", on(s(6, 2), l -> l.cropping1D(1, 1)));
        m.put("Cropping2D", on(s(4, 4, 2), l -> l.cropping2D(1, 0, 0, 1)));
        m.put("Cropping3D", on(s(3, 3, 3, 1), l -> l.padOrCrop3D("Cropping3D", 1, 0, 0, 1, 1, 0)));
        m.put("UpSampling1D", on(s(3, 2), l -> l.upSampling1D(2)));
        m.put("UpSampling2D", on(s(2, 2, 2), l -> l.upSampling2D(2, 2, "nearest")));
        m.put("UpSampling3D", on(s(2, 2, 1, 1), l -> l.upSampling3D(2, 1, 2)));
        m.put("BatchNormalization", on(s(4), l -> l.batchNormalization(-1, 4, true, true)));
        m.put("LayerNormalization", on(s(4), l -> l.layerNormalization(-1, s(4), true, true)));
        m.put("GroupNormalization", on(s(3, 4), l -> l.groupNormalization(2, 4)));
        m.put("UnitNormalization", on(s(4), l -> l.unitNormalization(-1)));
        m.put("Rescaling", on(s(4), l -> l.rescaling(0.5, 1.0)));
        m.put("Normalization", on(s(4), l -> l.normalization(4, false)));
        // the lookups read their own categorical input (the job binds it to the string or integer column)
        m.put("StringLookup", (net, x, ids) -> net.call(KerasPreprocessing.stringLookup("string_lookup",
                java.util.List.of("red", "green", "blue"), 1, null, "multi_hot"),
                net.input("word_string_lookup", "string", 1)));
        m.put("IntegerLookup", (net, x, ids) -> net.call(KerasPreprocessing.integerLookup("integer_lookup",
                java.util.List.of(1L, 2L, 3L), 2, 0L, "count"), net.input("code_integer_lookup", "int64", 1)));
        m.put("Hashing", (net, x, ids) -> net.call(KerasPreprocessing.hashing("hashing", 4, null, 7, "one_hot"),
                net.input("word_hashing", "string", 1)));
        m.put("Discretization", on(s(4), l -> KerasPreprocessing.discretization("discretization",
                java.util.List.of(-0.5, 0.0, 0.5), "int")));
        m.put("CategoryEncoding", (net, x, ids) -> net.call(KerasPreprocessing.categoryEncoding("category_encoding",
                VOCABULARY, "count"), ids));
        m.put("HashedCrossing", (net, x, ids) -> net.call(KerasPreprocessing.hashedCrossing("hashed_crossing", 5,
                "one_hot"), shaped(net, x, 1), net.call(KerasPreprocessing.discretization("discretization_1",
                java.util.List.of(0.0), "int"), shaped(net, x, 1))));
        m.put("Embedding", (net, x, ids) -> net.call(net.layers().embedding(VOCABULARY, 3), ids));
        m.put("Masking", (net, x, ids) -> net.chain(shaped(net, x, 5, 3), net.layers().masking(0.0),
                net.layers().lstm(3, 2, "tanh", "sigmoid", true, false, false)));
        m.put("SimpleRNN", on(s(5, 3), l -> l.simpleRnn(3, 2, "tanh", false, false)));
        m.put("LSTM", on(s(5, 3), l -> l.lstm(3, 2, "tanh", "sigmoid", true, true, false)));
        m.put("GRU", on(s(5, 3), l -> l.gru(3, 2, "tanh", "sigmoid", true, false, false)));
        m.put("ConvLSTM1D", on(s(3, 5, 2), l -> l.convLstm(1, 2, 2, s(3), s(1), "same", s(1), "sigmoid", true,
                false)));
        m.put("ConvLSTM2D", on(s(2, 3, 3, 1), l -> l.convLstm(2, 1, 2, s(2, 2), s(1, 1), "valid", s(1, 1),
                "hard_sigmoid", false, true)));
        m.put("ConvLSTM3D", on(s(2, 3, 2, 3, 1), l -> l.convLstm(3, 1, 2, s(2, 1, 2), s(1, 1, 1), "same",
                s(1, 1, 1), "sigmoid", true, false)));
        m.put("Bidirectional", on(s(5, 3), l -> l.bidirectional("concat",
                l.lstm(3, 2, "tanh", "sigmoid", true, false, false), l.lstm(3, 2, "tanh", "sigmoid", true, false,
                        true))));
        m.put("TimeDistributed", on(s(3, 4), l -> l.timeDistributed(l.dense(4, 2, "relu"))));
        m.put("Concatenate", (net, x, ids) -> net.call(net.layers().concatenate(-1), shaped(net, x, 3),
                shaped(net, x, 2)));
        for (String cls : new String[] {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"}) {
            m.put(cls, merge(cls));
        }
        m.put("Dot", (net, x, ids) -> net.call(net.layers().dot(1, true), shaped(net, x, 3), shaped(net, x, 3)));
        m.put("EinsumDense", on(s(3, 4), l -> l.einsumDense("abc,cd->abd", KerasLayers.ints(3, 5), "d", "relu",
                s(4, 5), s(5))));
        m.put("Attention", (net, x, ids) -> net.callWith(java.util.Map.of("use_causal_mask", true),
                net.layers().attention(true, "dot"), shaped(net, x, 4, 3), shaped(net, x, 5, 3)));
        m.put("AdditiveAttention", (net, x, ids) -> net.call(net.layers().additiveAttention(3, true),
                shaped(net, x, 4, 3), shaped(net, x, 5, 2), shaped(net, x, 5, 3)));
        m.put("MultiHeadAttention", (net, x, ids) -> net.call(net.layers().multiHeadAttention(2, 3, null, 4, 2, 2,
                null, null, true), shaped(net, x, 3, 4), shaped(net, x, 5, 2)));
        m.put("TFOpLambda", (net, x, ids) -> net.callWith(java.util.Map.of("name", "add"),
                net.layers().tfOp("__operators__.add"), shaped(net, x, 2, 3), shaped(net, x, 2, 3)));
        m.put("SlicingOpLambda", (net, x, ids) -> net.callWith(java.util.Map.of("slice_spec", java.util.List.of(
                KerasLayers.slice(null, null, null), KerasLayers.slice(1, null, null), 0)),
                net.layers().tfOp("__operators__.getitem"), shaped(net, x, 3, 2)));
        // Keras 3's 1 - x[:, 1:, :]: a constant first operand on a sliced tensor
        m.put("Operation", (net, x, ids) -> net.callWith(java.util.Map.of("x", 1.0), net.layers().kerasOp(
                "numpy.Subtract"), net.callWith(java.util.Map.of("key", java.util.List.of(KerasLayers.kerasSlice(null,
                null, null), KerasLayers.kerasSlice(1, null, null))), net.layers().kerasOp("numpy.GetItem"),
                shaped(net, x, 3, 2))));
        m.put("LeakyReLU", on(s(4), l -> l.leakyRelu(0.2)));
        m.put("PReLU", on(s(4), l -> l.prelu(s(4), null)));
        m.put("ELU", on(s(4), l -> l.elu(1.0)));
        m.put("ReLU", on(s(4), l -> l.relu(6.0, 0.1, 0.0)));
        m.put("ThresholdedReLU", on(s(4), l -> l.thresholdedRelu(0.3)));
        m.put("Softmax", on(s(4), l -> l.softmax(-1)));
        return m;
    }
}
