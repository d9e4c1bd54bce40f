package io.sparkscore.runtime;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.sparkscore.runtime.KerasLayers.ints;
import static io.sparkscore.runtime.RandomModelParity.Case;
import static io.sparkscore.runtime.RandomModelParity.args;
import static io.sparkscore.runtime.RandomModelParity.model;

/**
 * Random-model parity of EinsumDense and the attention layers: equations with and without ellipsis and bias axes;
 * Attention dot/concat with and without scale, AdditiveAttention, with separate keys and causal masks;
 * MultiHeadAttention with key/value of other lengths and sizes, value_dim, output_shape, no bias, causal masks and
 * attention over chosen axes of a rank-4 input. Each model goes through a Keras 3 {@code .keras} round trip (call
 * arguments included) first; see {@link RandomModelParity} for what agreeing means. The values themselves are
 * checked against hand-computed ones in the per-path layer tests.
 */
class AttentionParityTest {

    private static final Map<String, Object> CAUSAL = Map.of("use_causal_mask", true);

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void bothPathsAgreeAfterAKerasRoundTrip(Case c) {
        RandomModelParity.check(tmp, c);
    }

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(model("EinsumDense abc,cd->abd (Dense over positions) with bias d", n -> n.build(n.call(
                n.layers().einsumDense("abc,cd->abd", ints(4, 5), "d", "tanh", new int[] {3, 5}, new int[] {5}),
                n.input("x", 4, 3)))));
        cases.add(model("EinsumDense ab,bcd->acd (heads) with bias cd", n -> n.build(n.call(
                n.layers().einsumDense("ab,bcd->acd", ints(2, 3), "cd", "linear", new int[] {4, 2, 3},
                        new int[] {2, 3}), n.input("x", 4)))));
        cases.add(model("EinsumDense ...b,bc->...c (left ellipsis) softmax", n -> n.build(n.call(
                n.layers().einsumDense("...b,bc->...c", ints(3), null, "softmax", new int[] {2, 3}, null),
                n.input("x", 4, 3, 2)))));
        cases.add(model("EinsumDense ab...,bc->ac... (right ellipsis) bias c", n -> n.build(n.call(
                n.layers().einsumDense("ab...,bc->ac...", ints(5), "c", "relu", new int[] {3, 5}, new int[] {5, 1}),
                n.input("x", 3, 4)))));
        cases.add(model("EinsumDense abcd,cde->abe (output projection of heads) bias e", n -> n.build(n.call(
                n.layers().einsumDense("abcd,cde->abe", ints(3, 4), "e", "linear", new int[] {2, 3, 4},
                        new int[] {4}), n.input("x", 3, 2, 3)))));
        cases.add(model("EinsumDense abc,bd->adc (transposing, the kernel over positions) bias b d", n -> n.build(
                n.call(n.layers().einsumDense("abc,bd->adc", ints(2, 3), "d", "linear", new int[] {4, 2},
                        new int[] {2, 1}), n.input("x", 4, 3)))));
        for (String mode : List.of("dot", "concat")) {
            for (boolean scale : List.of(false, true)) {
                cases.add(model("Attention " + mode + (scale ? " scaled" : "") + " self-attention", n -> {
                    String x = n.input("x", 5, 3);
                    return n.build(n.call(n.layers().attention(scale, mode), x, x));
                }));
            }
        }
        cases.add(model("Attention dot causal, query 4 steps, value 6 steps, separate key", n -> {
            String q = n.input("q", 4, 3);
            String v = n.input("v", 6, 2);
            String k = n.input("k", 6, 3);
            return n.build(n.callWith(CAUSAL, n.layers().attention(true, "dot"), q, v, k));
        }));
        cases.add(model("Attention on vectors (no position axis) feeds a Dense", n -> {
            String x = n.input("x", 6);
            String d = n.chain(x, n.layers().dense(6, 4, "relu"));
            String a = n.call(n.layers().attention(false, "dot"), d, d);
            return n.build(n.chain(n.call(n.layers().concatenate(-1), d, a), n.layers().dense(8, 2, "linear")));
        }));
        cases.add(model("Attention on rank-4 inputs (leading axis batched)", n -> {
            String q = n.input("q", 2, 3, 4);
            String v = n.input("v", 2, 5, 4);
            return n.build(n.call(n.layers().attention(false, "dot"), q, v));
        }));
        for (boolean scale : List.of(false, true)) {
            cases.add(model("AdditiveAttention" + (scale ? " scaled" : "") + ", query 3 steps, value 5", n -> {
                String q = n.input("q", 3, 4);
                String v = n.input("v", 5, 4);
                return n.build(n.call(n.layers().additiveAttention(4, scale), q, v));
            }));
        }
        cases.add(model("AdditiveAttention causal with key", n -> {
            String q = n.input("q", 4, 3);
            String v = n.input("v", 4, 2);
            String k = n.input("k", 4, 3);
            return n.build(n.callWith(CAUSAL, n.layers().additiveAttention(3, true), q, v, k));
        }));
        cases.add(model("MultiHeadAttention self-attention, 2 heads of 3", n -> {
            String x = n.input("x", 5, 4);
            return n.build(n.call(n.layers().multiHeadAttention(2, 3, null, 4, 4, 4, null, null, true), x, x));
        }));
        cases.add(model("MultiHeadAttention cross-attention: query 3x4, value 6x2, key 6x5, value_dim 2", n -> {
            String q = n.input("q", 3, 4);
            String v = n.input("v", 6, 2);
            String k = n.input("k", 6, 5);
            return n.build(n.call(n.layers().multiHeadAttention(3, 2, 2, 4, 2, 5, null, null, true), q, v, k));
        }));
        cases.add(model("MultiHeadAttention causal, no bias, output_shape 3", n -> {
            String x = n.input("x", 4, 2);
            return n.build(n.callWith(CAUSAL, n.layers().multiHeadAttention(2, 2, null, 2, 2, 2, new int[] {3},
                    null, false), x, x));
        }));
        cases.add(model("MultiHeadAttention output_shape (2, 3)", n -> {
            String x = n.input("x", 3, 4);
            return n.build(n.call(n.layers().multiHeadAttention(2, 2, 3, 4, 4, 4, new int[] {2, 3}, null, true),
                    x, x));
        }));
        cases.add(model("MultiHeadAttention on a 3x4 grid over axes (1, 2)", n -> {
            String x = n.input("x", 3, 4, 2);
            return n.build(n.call(n.layers().multiHeadAttention(2, 2, null, 2, 2, 2, null, new int[] {1, 2}, true),
                    x, x));
        }));
        cases.add(model("MultiHeadAttention on a 3x4 grid over axis 2 only, value 3x5", n -> {
            String q = n.input("q", 3, 4, 2);
            String v = n.input("v", 3, 5, 2);
            return n.build(n.call(n.layers().multiHeadAttention(2, 3, null, 2, 2, 2, null, new int[] {2}, true),
                    q, v));
        }));
        cases.add(model("Transformer block: MultiHeadAttention, Add, LayerNormalization, Dense", n -> {
            KerasLayers l = n.layers();
            String x = n.input("x", 6, 4);
            String a = n.call(l.multiHeadAttention(2, 2, null, 4, 4, 4, null, null, true), x, x);
            String h = n.call(l.layerNormalization(-1, new int[] {4}, true, true), n.call(l.merge("Add"), x, a));
            return n.build(n.chain(h, l.dense(4, 3, "relu")));
        }));
        return args(cases);
    }

    @AfterAll
    static void printWorstCases() {
        RandomModelParity.printWorstCases();
    }
}
