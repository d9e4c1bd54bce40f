package io.sparkscore.runtime;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.sparkscore.runtime.KerasLayers.slice;
import static io.sparkscore.runtime.RandomModelParity.Case;
import static io.sparkscore.runtime.RandomModelParity.args;
import static io.sparkscore.runtime.RandomModelParity.model;

/**
 * Random-model parity of the tf.keras 2 TensorFlow op layers: every function sparkscore reads, with tensor and number
 * operands, broadcasting, negative axes, keepdims, transposed matmuls and slices with steps, indices and ellipsis;
 * see {@link RandomModelParity}. Hand-computed values of a real tf.keras spelling are in
 * {@code model.keras.OpLambdaReadingTest}.
 */
class OpLambdaParityTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void bothPathsAgreeAfterAKerasRoundTrip(Case c) {
        RandomModelParity.check(tmp, c);
    }

    private static Map<String, Object> kw(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        m.put("name", null);
        return m;
    }

    private static Case unaryOn(String function, Map<String, Object> callArgs, int... shape) {
        return model(function + " " + callArgs, n -> n.build(n.callWith(callArgs, n.layers().tfOp(function),
                n.input("x", shape))));
    }

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        for (String f : List.of("math.add", "__operators__.add", "math.subtract", "math.multiply", "math.truediv",
                "math.maximum", "math.minimum")) {
            cases.add(model(f + " of two tensors, broadcasting (3, 1) against (3, 4)", n -> n.build(n.callWith(
                    kw(), n.layers().tfOp(f), n.input("a", 3, 4), n.input("b", 3, 1)))));
            cases.add(unaryOn(f, kw("y", 0.75), 3, 2));
        }
        cases.add(unaryOn("math.pow", kw("y", 2.0), 4));
        cases.add(unaryOn("math.subtract", kw("x", 1.0), 3, 2));
        cases.add(unaryOn("math.multiply", kw("x", -2.5), 4));
        for (String f : List.of("math.negative", "math.exp", "math.square", "math.abs", "math.tanh",
                "math.sigmoid", "nn.relu")) {
            cases.add(unaryOn(f, kw(), 2, 3));
        }
        cases.add(model("math.sqrt and math.log of a positive tensor", n -> {
            String x = n.callWith(kw("y", 1.5), n.layers().tfOp("math.add"),
                    n.callWith(kw(), n.layers().tfOp("math.abs"), n.input("x", 5)));
            return n.build(n.callWith(kw(), n.layers().tfOp("math.sqrt"), x),
                    n.callWith(kw(), n.layers().tfOp("math.log"), x));
        }));
        cases.add(unaryOn("nn.softmax", kw("axis", 1), 3, 4));
        cases.add(unaryOn("nn.softmax", kw(), 3, 4));
        cases.add(unaryOn("clip_by_value", kw("clip_value_min", -0.25, "clip_value_max", 0.5), 6));
        cases.add(unaryOn("cast", kw("dtype", "float32"), 3));
        cases.add(model("math.rsqrt of a positive tensor", n -> n.build(n.callWith(kw(), n.layers().tfOp("math.rsqrt"),
                n.callWith(kw("y", 1.5), n.layers().tfOp("math.add"), n.callWith(kw(), n.layers().tfOp("math.abs"),
                        n.input("x", 5)))))));
        cases.add(unaryOn("reshape", kw("shape", List.of(-1, 2, 6)), 3, 4));
        cases.add(unaryOn("reshape", kw("shape", List.of(-1, 4, -1)), 12));
        cases.add(unaryOn("compat.v1.transpose", kw("perm", List.of(0, 2, 1)), 3, 4));
        cases.add(unaryOn("transpose", kw("perm", List.of(0, 3, 1, 2)), 2, 3, 4));
        cases.add(model("concat on axis -1 of three tensors", n -> n.build(n.callWith(kw("axis", -1),
                n.layers().tfOp("concat"), n.input("a", 2, 3), n.input("b", 2, 1), n.input("c", 2, 2)))));
        cases.add(model("concat on axis 1", n -> n.build(n.callWith(kw("axis", 1), n.layers().tfOp("concat"),
                n.input("a", 2, 3), n.input("b", 4, 3)))));
        cases.add(unaryOn("expand_dims", kw("axis", 1), 3, 2));
        cases.add(unaryOn("expand_dims", kw("axis", -1), 3, 2));
        cases.add(unaryOn("squeeze", kw("axis", List.of(2)), 3, 1, 2));
        for (String f : List.of("math.reduce_mean", "math.reduce_sum", "math.reduce_max", "math.reduce_min")) {
            cases.add(unaryOn(f, kw("axis", 1), 3, 4));
            cases.add(unaryOn(f, kw("axis", List.of(-1, 1), "keepdims", true), 3, 2, 4));
        }
        cases.add(model("linalg.matmul (2, 3) x (3, 4)", n -> n.build(n.callWith(kw(),
                n.layers().tfOp("linalg.matmul"), n.input("a", 2, 3), n.input("b", 3, 4)))));
        cases.add(model("linalg.matmul transpose_b, batched over a leading axis", n -> n.build(n.callWith(
                kw("transpose_b", true), n.layers().tfOp("linalg.matmul"), n.input("a", 2, 3, 4),
                n.input("b", 2, 5, 4)))));
        cases.add(model("linalg.matmul transpose_a", n -> n.build(n.callWith(kw("transpose_a", true),
                n.layers().tfOp("linalg.matmul"), n.input("a", 3, 2), n.input("b", 3, 4)))));
        cases.add(unaryOn("__operators__.getitem", kw("slice_spec", List.of(slice(null, null, null),
                slice(1, -1, null))), 5, 2));
        cases.add(unaryOn("__operators__.getitem", kw("slice_spec", List.of(slice(null, null, null), 2,
                slice(null, null, 2))), 3, 5));
        cases.add(unaryOn("__operators__.getitem", kw("slice_spec", List.of(Map.of("class_name", "__ellipsis__"),
                -1)), 3, 4));
        cases.add(model("a chain: getitem, add a number, reshape, Dense", n -> {
            KerasLayers l = n.layers();
            String s = n.callWith(kw("slice_spec", List.of(slice(null, null, null), slice(0, 2, null))),
                    l.tfOp("__operators__.getitem"), n.input("x", 3, 4));
            String a = n.callWith(kw("y", 1.0), l.tfOp("__operators__.add"), s);
            String r = n.callWith(kw("shape", List.of(-1, 8)), l.tfOp("reshape"), a);
            return n.build(n.chain(r, l.dense(8, 2, "linear")));
        }));
        return args(cases);
    }

    @AfterAll
    static void printWorstCases() {
        RandomModelParity.printWorstCases();
    }
}
