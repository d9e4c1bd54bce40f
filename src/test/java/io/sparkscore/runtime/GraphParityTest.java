package io.sparkscore.runtime;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import static io.sparkscore.runtime.RandomModelParity.Case;
import static io.sparkscore.runtime.RandomModelParity.args;
import static io.sparkscore.runtime.RandomModelParity.elementwise;
import static io.sparkscore.runtime.RandomModelParity.minimal;
import static io.sparkscore.runtime.RandomModelParity.model;

/**
 * Random-model parity, whole graphs: stacks, shared layers, multi-input models, realistic sizes, and configs that leave
 * options to Keras' defaults. Each seeded model takes the route a user's model takes (written as a Keras 3 {@code
 * .keras} archive, read back, loaded on both paths); see {@link RandomModelParity} for what agreeing means.
 */
class GraphParityTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @MethodSource({"stacks", "realisticSizes", "kerasDefaults"})
    void bothPathsAgreeAfterAKerasRoundTrip(Case c) {
        RandomModelParity.check(tmp, c);
    }

    static Stream<Arguments> stacks() {
        return args(
                model("CNN: Conv2D, BatchNorm, ReLU, MaxPool, SeparableConv2D, GlobalAveragePool, Dense", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 8, 7, 3);
                    return n.build(n.chain(x,
                            l.conv(3, 4, new int[] {3, 3}, new int[] {1, 1}, "same", new int[] {1, 1}, 1, "linear",
                                    false),
                            l.batchNormalization(-1, 4, true, true), l.relu(null, 0.0, 0.0),
                            l.pooling("Max", new int[] {2, 2}, null, "same"),
                            l.separableConv(4, 5, new int[] {2, 2}, new int[] {1, 1}, "valid", new int[] {1, 1}, 1,
                                    "elu", true),
                            l.globalPooling("Average", 2, false), l.dense(5, 3, "softmax")));
                }),
                model("Residual block: Conv2D, BatchNorm, ReLU, Add with the input", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 5, 5, 4);
                    String y = n.chain(x, l.conv(4, 4, new int[] {3, 3}, new int[] {1, 1}, "same",
                            new int[] {1, 1}, 1, "linear", true), l.batchNormalization(-1, 4, true, true),
                            l.activation("relu"));
                    return n.build(n.chain(n.call(l.merge("Add"), x, y), l.flatten(), l.dense(100, 2, "linear")));
                }),
                model("Sequence model: causal Conv1D, LSTM sequences, TimeDistributed(Dense), GlobalMaxPool1D", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 8, 3);
                    return n.build(n.chain(x,
                            l.conv(3, 4, new int[] {2}, new int[] {1}, "causal", new int[] {2}, 1, "relu", true),
                            l.lstm(4, 5, "tanh", "sigmoid", true, true, false),
                            l.timeDistributed(l.dense(5, 3, "tanh")), l.globalPooling("Max", 1, false)));
                }),
                model("Two inputs: Embedding+Bidirectional(GRU) text branch and Dense numeric branch", n -> {
                    KerasLayers l = n.layers();
                    String words = n.input("words", 6);
                    String numbers = n.input("numbers", 3);
                    String text = n.chain(words, l.embedding(9, 4), l.bidirectional("concat",
                            l.gru(4, 3, "tanh", "sigmoid", true, false, false),
                            l.gru(4, 3, "tanh", "sigmoid", true, false, true)));
                    String num = n.chain(numbers, l.dense(3, 4, "relu"));
                    return n.build(n.chain(n.call(l.concatenate(-1), text, num), l.layerNormalization(-1,
                            new int[] {10}, true, true), l.dense(10, 1, "sigmoid")));
                }),
                model("Padding, upsampling, cropping and pooling around convolutions", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 6, 6, 2);
                    return n.build(n.chain(x, l.zeroPadding2D(1, 1, 0, 1),
                            l.conv(2, 3, new int[] {3, 3}, new int[] {2, 2}, "valid", new int[] {1, 1}, 1, "relu",
                                    true),
                            l.upSampling2D(2, 2, "nearest"), l.cropping2D(0, 1, 1, 0),
                            l.depthwiseConv(3, new int[] {2, 2}, new int[] {1, 1}, "same", new int[] {1, 1}, 1,
                                    "linear", true),
                            l.pooling("Average", new int[] {2, 2}, new int[] {1, 1}, "valid"), l.flatten()));
                }));
    }

    /** Sizes of real models, where long sums and many steps let float rounding differ between the paths. */
    static Stream<Arguments> realisticSizes() {
        return args(
                model("MLP 300-128-64-10 (relu, relu, softmax)", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 300);
                    return n.build(n.chain(x, l.dense(300, 128, "relu"), l.dense(128, 64, "relu"),
                            l.dense(64, 10, "softmax")));
                }),
                model("CNN on 28x28x1: Conv2D 16, MaxPool, Conv2D 32, GlobalAveragePool, Dense 10", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 28, 28, 1);
                    return n.build(n.chain(x,
                            l.conv(1, 16, new int[] {3, 3}, new int[] {1, 1}, "same", new int[] {1, 1}, 1, "relu",
                                    true),
                            l.pooling("Max", new int[] {2, 2}, null, "valid"),
                            l.conv(16, 32, new int[] {3, 3}, new int[] {1, 1}, "valid", new int[] {1, 1}, 1, "relu",
                                    true),
                            l.globalPooling("Average", 2, false), l.dense(32, 10, "softmax")));
                }),
                model("LSTM 64 units over 30 steps of 16 features, Dense", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 30, 16);
                    return n.build(n.chain(x, l.lstm(16, 64, "tanh", "sigmoid", true, false, false),
                            l.dense(64, 1, "linear")));
                }),
                model("Bidirectional GRU 32 units over 20 steps, sequences, GlobalMaxPool1D", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 20, 8);
                    return n.build(n.chain(x, l.bidirectional("concat",
                                    l.gru(8, 32, "tanh", "sigmoid", true, true, false),
                                    l.gru(8, 32, "tanh", "sigmoid", true, true, true)),
                            l.globalPooling("Max", 1, false)));
                }),
                model("Text model: Embedding 1000x32 over 40 tokens, Conv1D 64 k5, GlobalMaxPool, Dense", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 40);
                    return n.build(n.chain(x, l.embedding(1000, 32),
                            l.conv(32, 64, new int[] {5}, new int[] {1}, "valid", new int[] {1}, 1, "relu", true),
                            l.globalPooling("Max", 1, false), l.dense(64, 1, "sigmoid")));
                }));
    }

    /**
     * Layers whose configs hold only the keys older Keras versions (or hand-written configs) always had: both paths
     * must fill in the same Keras defaults.
     */
    static Stream<Arguments> kerasDefaults() {
        return args(
                minimal("Conv1D with only filters and kernel_size", 1, n -> {
                    String x = n.input("x", 7, 3);
                    return n.build(n.call(KerasLayers.keeping(n.layers().conv(3, 2, new int[] {3}, new int[] {1},
                            "valid", new int[] {1}, 1, "linear", true), "filters", "kernel_size"), x));
                }),
                minimal("Conv2D with only filters and kernel_size", 1, n -> {
                    String x = n.input("x", 5, 4, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().conv(2, 2, new int[] {2, 2},
                            new int[] {1, 1}, "valid", new int[] {1, 1}, 1, "linear", true), "filters",
                            "kernel_size"), x));
                }),
                minimal("Dense with only units", 1, n -> {
                    String x = n.input("x", 4);
                    return n.build(n.call(KerasLayers.keeping(n.layers().dense(4, 3, "linear"), "units"), x));
                }),
                minimal("LSTM with only units (tanh, sigmoid, last output)", 1, n -> {
                    String x = n.input("x", 4, 3);
                    return n.build(n.call(KerasLayers.keeping(n.layers().lstm(3, 2, "tanh", "sigmoid", true, false,
                            false), "units"), x));
                }),
                minimal("GRU with only units and a reset_after-shaped bias", 1, n -> {
                    String x = n.input("x", 4, 3);
                    return n.build(n.call(KerasLayers.keeping(n.layers().gru(3, 2, "tanh", "sigmoid", true, false,
                            false), "units"), x));
                }),
                minimal("GRU with only units and a single bias row", 1, n -> {
                    String x = n.input("x", 4, 3);
                    return n.build(n.call(KerasLayers.keeping(n.layers().gru(3, 2, "tanh", "sigmoid", false, false,
                            false), "units"), x));
                }),
                minimal("SimpleRNN with only units", 1, n -> {
                    String x = n.input("x", 4, 3);
                    return n.build(n.call(KerasLayers.keeping(n.layers().simpleRnn(3, 2, "tanh", false, false),
                            "units"), x));
                }),
                minimal("MaxPooling1D without options (pool 2)", 1, n -> {
                    String x = n.input("x", 7, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().pooling("Max", new int[] {3}, null,
                            "same")), x));
                }),
                minimal("AveragePooling2D without options (pool (2, 2))", 1, n -> {
                    String x = n.input("x", 5, 4, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().pooling("Average", new int[] {3, 3}, null,
                            "same")), x));
                }),
                minimal("ZeroPadding1D without padding (1 each side)", 1, n -> {
                    String x = n.input("x", 4, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().zeroPadding1D(2, 3)), x));
                }),
                minimal("ZeroPadding2D without padding (1 each side)", 1, n -> {
                    String x = n.input("x", 3, 4, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().zeroPadding2D(2, 3, 0, 0)), x));
                }),
                minimal("Cropping1D without cropping (1 each side)", 1, n -> {
                    String x = n.input("x", 6, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().cropping1D(0, 2)), x));
                }),
                minimal("Cropping2D without cropping (nothing)", 1, n -> {
                    String x = n.input("x", 4, 5, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().cropping2D(1, 0, 0, 1)), x));
                }),
                minimal("UpSampling1D without size (2)", 1, n -> {
                    String x = n.input("x", 3, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().upSampling1D(3)), x));
                }),
                minimal("UpSampling2D without options ((2, 2), nearest)", 1, n -> {
                    String x = n.input("x", 3, 2, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().upSampling2D(3, 1, "bilinear")), x));
                }),
                minimal("BatchNormalization without options (axis -1, epsilon 1e-3)", 1, n -> {
                    String x = n.input("x", 3, 4);
                    return n.build(n.call(KerasLayers.keeping(n.layers().batchNormalization(-1, 4, true, true)), x));
                }),
                minimal("LayerNormalization without options (axis -1, epsilon 1e-3)", 1, n -> {
                    String x = n.input("x", 3, 4);
                    return n.build(n.call(KerasLayers.keeping(n.layers().layerNormalization(-1, new int[] {4}, true,
                            true)), x));
                }),
                minimal("LeakyReLU without options (slope 0.3)", 4, n -> elementwise(n,
                        KerasLayers.keeping(n.layers().leakyRelu(0.1)))),
                minimal("ELU without options (alpha 1)", 4, n -> elementwise(n,
                        KerasLayers.keeping(n.layers().elu(0.5)))),
                minimal("ReLU without options", 4, n -> elementwise(n,
                        KerasLayers.keeping(n.layers().relu(2.0, 0.2, 0.5)))),
                minimal("Softmax without options (axis -1)", 4, n -> elementwise(n,
                        KerasLayers.keeping(n.layers().softmax(1)))),
                minimal("Concatenate without options (axis -1)", 1, n -> {
                    String a = n.input("a", 2, 3);
                    String b = n.input("b", 2, 2);
                    return n.build(n.call(KerasLayers.keeping(n.layers().concatenate(1)), a, b));
                }),
                minimal("Bidirectional without merge_mode (concat)", 1, n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 4, 3);
                    return n.build(n.call(KerasLayers.keeping(l.bidirectional("sum", l.lstm(3, 2, "tanh", "sigmoid",
                            true, false, false), l.lstm(3, 2, "tanh", "sigmoid", true, false, true))), x));
                }));
    }

    @AfterAll
    static void printWorstCases() {
        RandomModelParity.printWorstCases();
    }
}
