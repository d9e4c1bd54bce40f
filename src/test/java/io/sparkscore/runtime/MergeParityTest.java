package io.sparkscore.runtime;

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
import static io.sparkscore.runtime.RandomModelParity.model;

/**
 * Random-model parity, the merge layers, broadcasting included, and Dot with its axes and normalize. Each seeded model
 * takes the route a user's model takes (written as a Keras 3 {@code .keras} archive, read back, loaded on both paths);
 * see {@link RandomModelParity} for what agreeing means.
 */
class MergeParityTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @MethodSource("merges")
    void bothPathsAgreeAfterAKerasRoundTrip(Case c) {
        RandomModelParity.check(tmp, c);
    }

    static Stream<Arguments> merges() {
        List<Case> cases = new ArrayList<>();
        for (String cls : List.of("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")) {
            cases.add(model(cls + " of two inputs", n -> {
                KerasLayers l = n.layers();
                String a = n.input("a", 4, 3);
                String b = n.input("b", 4, 3);
                return n.build(n.call(l.merge(cls), a, b));
            }));
        }
        cases.add(model("Add of a sequence (4, 3) and a vector (3,) (lower rank broadcast)", n -> {
            String a = n.input("a", 4, 3);
            String b = n.input("b", 3);
            return n.build(n.call(n.layers().merge("Add"), a, b));
        }));
        cases.add(model("Multiply a sequence (4, 3) by per-step weights (4, 1)", n -> {
            String a = n.input("a", 4, 3);
            String b = n.input("b", 4, 1);
            return n.build(n.call(n.layers().merge("Multiply"), a, b));
        }));
        cases.add(model("Maximum of a sequence (4, 3) and a vector (3,)", n -> {
            String a = n.input("a", 4, 3);
            String b = n.input("b", 3);
            return n.build(n.call(n.layers().merge("Maximum"), b, a));
        }));
        cases.add(model("Dot of a vector (3,) and a sequence (4, 3) on axes [1, 2]", n -> {
            String a = n.input("a", 3);
            String b = n.input("b", 4, 3);
            return n.build(n.call(n.layers().dot(ints(1, 2), false), a, b));
        }));
        cases.add(model("Add of three branches", n -> {
            KerasLayers l = n.layers();
            String a = n.input("a", 5);
            String b = n.chain(a, l.dense(5, 5, "tanh"));
            String c = n.chain(a, l.dense(5, 5, "relu"));
            return n.build(n.call(l.merge("Add"), a, b, c));
        }));
        cases.add(model("Concatenate three images on axis -2", n -> {
            KerasLayers l = n.layers();
            String a = n.input("a", 3, 2, 2);
            String b = n.input("b", 3, 4, 2);
            String c = n.input("c", 3, 1, 2);
            return n.build(n.call(l.concatenate(-2), a, b, c));
        }));
        cases.add(model("Dot of sequences on axes [-1, -1]", n -> {
            String a = n.input("a", 4, 3);
            String b = n.input("b", 2, 3);
            return n.build(n.call(n.layers().dot(ints(-1, -1), false), a, b));
        }));
        cases.add(model("Dense on a rank-4 row (2, 3, 4, 5), softmax", n -> {
            String x = n.input("x", 2, 3, 4, 5);
            return n.build(n.call(n.layers().dense(5, 3, "softmax"), x));
        }));
        cases.add(model("Concatenate two inputs then Dense", n -> {
            KerasLayers l = n.layers();
            String a = n.input("a", 4);
            String b = n.input("b", 3);
            return n.build(n.chain(n.call(l.concatenate(-1), a, b), l.dense(7, 2, "linear")));
        }));
        cases.add(model("Concatenate sequences on axis 1", n -> {
            KerasLayers l = n.layers();
            String a = n.input("a", 5, 3);
            String b = n.input("b", 2, 3);
            return n.build(n.call(l.concatenate(1), a, b));
        }));
        cases.add(model("Dot of vectors on axis 1", n -> {
            String a = n.input("a", 6);
            String b = n.input("b", 6);
            return n.build(n.call(n.layers().dot(1, false), a, b));
        }));
        cases.add(model("Dot normalize (cosine) of vectors", n -> {
            String a = n.input("a", 6);
            String b = n.input("b", 6);
            return n.build(n.call(n.layers().dot(-1, true), a, b));
        }));
        cases.add(model("Dot of sequences on axes [2, 2]", n -> {
            String a = n.input("a", 5, 3);
            String b = n.input("b", 4, 3);
            return n.build(n.call(n.layers().dot(ints(2, 2), false), a, b));
        }));
        cases.add(model("Dot of sequences on axes [1, 1], normalized", n -> {
            String a = n.input("a", 5, 3);
            String b = n.input("b", 5, 4);
            return n.build(n.call(n.layers().dot(ints(1, 1), true), a, b));
        }));
        cases.add(model("Shared Dense used on two inputs, then Add", n -> {
            KerasLayers l = n.layers();
            String a = n.input("a", 4);
            String b = n.input("b", 4);
            var shared = l.dense(4, 3, "tanh");
            return n.build(n.chain(n.call(l.merge("Add"), n.call(shared, a), n.call(shared, b)),
                    l.dense(3, 1, "sigmoid")));
        }));
        cases.add(model("Shared LSTM on two sequences, Concatenate, Dot", n -> {
            KerasLayers l = n.layers();
            String a = n.input("a", 5, 3);
            String b = n.input("b", 5, 3);
            var shared = l.lstm(3, 4, "tanh", "sigmoid", true, false, false);
            String ha = n.call(shared, a);
            String hb = n.call(shared, b);
            return n.build(n.call(l.concatenate(-1), ha, hb), n.call(l.dot(-1, false), ha, hb));
        }));
        cases.add(model("Two outputs from one trunk", n -> {
            KerasLayers l = n.layers();
            String x = n.input("x", 6);
            String h = n.chain(x, l.dense(6, 5, "relu"));
            return n.build(n.chain(h, l.dense(5, 3, "softmax")), n.chain(h, l.dense(5, 1, "linear")));
        }));
        return args(cases);
    }

    @AfterAll
    static void printWorstCases() {
        RandomModelParity.printWorstCases();
    }
}
