package io.sparkscore.runtime;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.sparkscore.runtime.RandomModelParity.Case;
import static io.sparkscore.runtime.RandomModelParity.args;
import static io.sparkscore.runtime.RandomModelParity.model;

/**
 * Random-model parity of ConvLSTM1D/2D: valid and same padding (even kernels included), strides, dilation,
 * return_sequences, go_backwards and both recurrent activations, after a Keras 3 {@code .keras} round trip; see
 * {@link RandomModelParity}. The gate arithmetic is checked against hand-computed values in
 * {@code ConvLstmReferenceTest}.
 */
class ConvolutionalRecurrentParityTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void bothPathsAgreeAfterAKerasRoundTrip(Case c) {
        RandomModelParity.check(tmp, c);
    }

    private static int[] s(int... v) {
        return v;
    }

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(model("ConvLSTM1D same, kernel 3, sequences", n -> n.build(n.call(n.layers().convLstm(1, 2, 3,
                s(3), s(1), "same", s(1), "sigmoid", true, false), n.input("x", 4, 6, 2)))));
        cases.add(model("ConvLSTM1D valid, stride 2, last state, backwards", n -> n.build(n.call(n.layers()
                .convLstm(1, 3, 2, s(2), s(2), "valid", s(1), "sigmoid", false, true), n.input("x", 3, 7, 3)))));
        cases.add(model("ConvLSTM1D dilation 2, hard_sigmoid", n -> n.build(n.call(n.layers().convLstm(1, 1, 2,
                s(2), s(1), "same", s(2), "hard_sigmoid", true, true), n.input("x", 3, 5, 1)))));
        cases.add(model("ConvLSTM2D same, even kernel 2x2, sequences", n -> n.build(n.call(n.layers().convLstm(2,
                2, 2, s(2, 2), s(1, 1), "same", s(1, 1), "sigmoid", true, false), n.input("x", 3, 4, 4, 2)))));
        cases.add(model("ConvLSTM2D valid 3x2, strides (2, 1), last state", n -> n.build(n.call(n.layers()
                .convLstm(2, 1, 3, s(3, 2), s(2, 1), "valid", s(1, 1), "sigmoid", false, false),
                n.input("x", 4, 5, 4, 1)))));
        cases.add(model("ConvLSTM2D then Flatten and Dense", n -> {
            KerasLayers l = n.layers();
            String h = n.call(l.convLstm(2, 1, 2, s(2, 2), s(1, 1), "valid", s(1, 1), "sigmoid", false, false),
                    n.input("x", 3, 3, 3, 1));
            return n.build(n.chain(h, l.flatten(), l.dense(8, 2, "linear")));
        }));
        return args(cases);
    }

    @AfterAll
    static void printWorstCases() {
        RandomModelParity.printWorstCases();
    }
}
