package io.sparkscore.runtime;

import io.sparkscore.model.Activation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.sparkscore.runtime.KerasLayers.ints;
import static io.sparkscore.runtime.RandomModelParity.Case;
import static io.sparkscore.runtime.RandomModelParity.args;
import static io.sparkscore.runtime.RandomModelParity.elementwise;
import static io.sparkscore.runtime.RandomModelParity.model;
import static io.sparkscore.runtime.RandomModelParity.scaled;

/**
 * Random-model parity, activation functions (as Dense/Activation options and in recurrent cells) and the activation
 * layers. Each seeded model takes the route a user's model takes (written as a Keras 3 {@code .keras} archive, read
 * back, loaded on both paths); see {@link RandomModelParity} for what agreeing means.
 */
class ActivationParityTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @MethodSource({"activations", "activationLayers"})
    void bothPathsAgreeAfterAKerasRoundTrip(Case c) {
        RandomModelParity.check(tmp, c);
    }

    static Stream<Arguments> activations() {
        List<Case> cases = new ArrayList<>();
        for (Activation a : Activation.values()) {
            cases.add(model("Dense(5, activation=" + a.specName() + ") on (6,)", n -> {
                String x = n.input("x", 6);
                return n.build(n.call(n.layers().dense(6, 5, a.specName()), x));
            }));
            cases.add(scaled("Activation(" + a.specName() + ") on (4, 5), inputs in [-8, 8)", 8, n -> {
                String x = n.input("x", 4, 5);
                return n.build(n.call(n.layers().activation(a.specName()), x));
            }));
        }
        return args(cases);
    }

    static Stream<Arguments> activationLayers() {
        return args(
                scaled("LeakyReLU negative_slope 0.1", 4, n -> elementwise(n, n.layers().leakyRelu(0.1))),
                scaled("PReLU without shared axes", 4, n -> elementwise(n, n.layers().prelu(new int[] {5, 4}, null))),
                scaled("PReLU shared_axes [1]", 4, n -> elementwise(n, n.layers().prelu(new int[] {5, 4},
                        new int[] {1}))),
                scaled("PReLU shared_axes [1, 2] on an image", 4, n -> {
                    String x = n.input("x", 3, 4, 2);
                    return n.build(n.call(n.layers().prelu(new int[] {3, 4, 2}, new int[] {1, 2}), x));
                }),
                scaled("ELU alpha 0.7", 4, n -> elementwise(n, n.layers().elu(0.7))),
                scaled("ThresholdedReLU theta 0.5", 4, n -> elementwise(n, n.layers().thresholdedRelu(0.5))),
                scaled("ActivityRegularization is an identity", 4, n -> elementwise(n,
                        n.layers().activityRegularization(0.01, 0.0))),
                scaled("ReLU max_value 2.5, negative_slope 0.1, threshold 0.5", 4, n ->
                        elementwise(n, n.layers().relu(2.5, 0.1, 0.5))),
                scaled("ReLU defaults", 4, n -> elementwise(n, n.layers().relu(null, 0.0, 0.0))),
                scaled("ReLU threshold -1 without slope", 4, n -> elementwise(n, n.layers().relu(null, 0.0, -1.0))),
                scaled("Softmax on axis 1", 4, n -> elementwise(n, n.layers().softmax(1))),
                scaled("Softmax on axis -1", 4, n -> elementwise(n, n.layers().softmax(-1))),
                scaled("Softmax on axes [1, 2]", 4, n -> elementwise(n, n.layers().softmax(ints(1, 2)))));
    }

    @AfterAll
    static void printWorstCases() {
        RandomModelParity.printWorstCases();
    }
}
