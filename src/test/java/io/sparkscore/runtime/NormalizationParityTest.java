package io.sparkscore.runtime;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import static io.sparkscore.runtime.KerasLayers.ints;
import static io.sparkscore.runtime.RandomModelParity.Case;
import static io.sparkscore.runtime.RandomModelParity.args;
import static io.sparkscore.runtime.RandomModelParity.model;

/**
 * Random-model parity, batchNormalization, LayerNormalization over any axes, Embedding. Each seeded model takes the
 * route a user's model takes (written as a Keras 3 {@code .keras} archive, read back, loaded on both paths); see {@link
 * RandomModelParity} for what agreeing means.
 */
class NormalizationParityTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @MethodSource("normalization")
    void bothPathsAgreeAfterAKerasRoundTrip(Case c) {
        RandomModelParity.check(tmp, c);
    }

    static Stream<Arguments> normalization() {
        return args(
                model("BatchNormalization after Dense", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 6);
                    return n.build(n.chain(x, l.dense(6, 4, "linear"), l.batchNormalization(-1, 4, true, true)));
                }),
                model("BatchNormalization over image channels", n -> {
                    String x = n.input("x", 4, 3, 5);
                    return n.build(n.call(n.layers().batchNormalization(-1, 5, true, true), x));
                }),
                model("BatchNormalization on axis 1 of a sequence", n -> {
                    String x = n.input("x", 5, 4);
                    return n.build(n.call(n.layers().batchNormalization(1, 5, true, true), x));
                }),
                model("BatchNormalization on axis 1 of an image (rows)", n -> {
                    String x = n.input("x", 4, 3, 2);
                    return n.build(n.call(n.layers().batchNormalization(1, 4, true, true), x));
                }),
                model("BatchNormalization on axis 2 of an image (columns)", n -> {
                    String x = n.input("x", 4, 3, 2);
                    return n.build(n.call(n.layers().batchNormalization(2, 3, true, false), x));
                }),
                model("BatchNormalization without center and scale", n -> {
                    String x = n.input("x", 5, 4);
                    return n.build(n.call(n.layers().batchNormalization(-1, 4, false, false), x));
                }),
                model("LayerNormalization on axis -1", n -> {
                    String x = n.input("x", 5, 4);
                    return n.build(n.call(n.layers().layerNormalization(-1, new int[] {4}, true, true), x));
                }),
                model("LayerNormalization on axes [1, 2]", n -> {
                    String x = n.input("x", 5, 4);
                    return n.build(n.call(n.layers().layerNormalization(ints(1, 2), new int[] {5, 4}, true, true),
                            x));
                }),
                model("LayerNormalization on axis 1 of a sequence", n -> {
                    String x = n.input("x", 5, 4);
                    return n.build(n.call(n.layers().layerNormalization(1, new int[] {5}, true, true), x));
                }),
                model("LayerNormalization on axes [1, 3] of an image", n -> {
                    String x = n.input("x", 3, 4, 2);
                    return n.build(n.call(n.layers().layerNormalization(ints(1, 3), new int[] {3, 2}, true, true),
                            x));
                }),
                model("LayerNormalization without center and scale", n -> {
                    String x = n.input("x", 6);
                    return n.build(n.call(n.layers().layerNormalization(ints(-1), new int[] {6}, false, false), x));
                }),
                model("GroupNormalization groups 2 on an image (3, 2, 4)", n -> {
                    String x = n.input("x", 3, 2, 4);
                    return n.build(n.call(n.layers().groupNormalization(2, 4), x));
                }),
                model("GroupNormalization groups 3 on a sequence (5, 6) after Dense", n -> {
                    KerasLayers l = n.layers();
                    return n.build(n.chain(n.input("x", 5, 2), l.dense(2, 6, "tanh"), l.groupNormalization(3, 6)));
                }),
                model("UnitNormalization on the last axis of (4, 3)", n ->
                        n.build(n.call(n.layers().unitNormalization(-1), n.input("x", 4, 3)))),
                model("UnitNormalization on axis 1 of (4, 3)", n ->
                        n.build(n.call(n.layers().unitNormalization(1), n.input("x", 4, 3)))),
                model("Normalization (adapted) on (4, 3), then Dense", n -> {
                    KerasLayers l = n.layers();
                    return n.build(n.chain(n.input("x", 4, 3), l.normalization(3, false), l.dense(3, 2, "linear")));
                }),
                model("Normalization (adapted, invert) on (4, 3)", n ->
                        n.build(n.call(n.layers().normalization(3, true), n.input("x", 4, 3)))),
                model("Rescaling(1/255, offset -0.5) on an image (3, 4, 2)", n ->
                        n.build(n.call(n.layers().rescaling(1 / 255.0, -0.5), n.input("x", 3, 4, 2)))));
    }

    @AfterAll
    static void printWorstCases() {
        RandomModelParity.printWorstCases();
    }
}
