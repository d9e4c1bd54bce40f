package io.sparkscore.runtime;

import io.sparkscore.model.Activation;
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
import static io.sparkscore.runtime.RandomModelParity.model;

/**
 * Random-model parity, core and reshaping layers: Dense on any rank, Activation, the inference-time identities,
 * Flatten, Reshape, Permute, RepeatVector. Each seeded model takes the route a user's model takes (written as a Keras 3
 * {@code .keras} archive, read back, loaded on both paths); see {@link RandomModelParity} for what agreeing means.
 */
class CoreLayerParityTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @MethodSource("coreLayers")
    void bothPathsAgreeAfterAKerasRoundTrip(Case c) {
        RandomModelParity.check(tmp, c);
    }

    static Stream<Arguments> coreLayers() {
        return args(
                model("Dense without bias on a sequence (4, 5)", n -> {
                    String x = n.input("x", 4, 5);
                    return n.build(n.call(n.layers().dense(5, 3, "tanh", false), x));
                }),
                model("Dropout, GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D are identities", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 5, 4);
                    return n.build(n.chain(x, l.dropout(0.3), l.gaussianNoise(0.5), l.gaussianDropout(0.2),
                            l.alphaDropout(0.1), l.spatialDropout(1, 0.4), l.flatten(), l.dense(20, 3, "linear")));
                }),
                model("SpatialDropout2D then Flatten on (4, 3, 2)", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 4, 3, 2);
                    return n.build(n.chain(x, l.spatialDropout(2, 0.5), l.flatten(), l.dense(24, 2, "sigmoid")));
                }),
                model("Reshape (12,) to (3, 4), Permute (2, 1), Flatten", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 12);
                    return n.build(n.chain(x, l.reshape(3, 4), l.permute(2, 1), l.flatten(), l.dense(12, 4, "relu")));
                }),
                model("Reshape with -1 to (-1, 2) then Dense per step", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 3, 4);
                    return n.build(n.chain(x, l.reshape(-1, 2), l.dense(2, 3, "linear")));
                }),
                model("Permute (3, 1, 2) on (2, 3, 4)", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 2, 3, 4);
                    return n.build(n.chain(x, l.permute(3, 1, 2), l.dense(3, 2, "linear")));
                }),
                model("RepeatVector(3) then LSTM", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 4);
                    return n.build(n.chain(x, l.repeatVector(3), l.lstm(4, 3, "tanh", "sigmoid", true, true, false)));
                }),
                model("Embedding (vocabulary 11) then Flatten and Dense", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 6);
                    return n.build(n.chain(x, l.embedding(11, 4), l.flatten(), l.dense(24, 3, "softmax")));
                }),
                model("Embedding on an int32 input then GRU", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", "int32", 5);
                    return n.build(n.chain(x, l.embedding(7, 3), l.gru(3, 4, "tanh", "sigmoid", true, false, false)));
                }));
    }

    @AfterAll
    static void printWorstCases() {
        RandomModelParity.printWorstCases();
    }
}
