package io.sparkscore.runtime.jvm;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sparkscore.runtime.jvm.Specs.assertClose;
import static io.sparkscore.runtime.jvm.Specs.config;
import static io.sparkscore.runtime.jvm.Specs.layer;
import static io.sparkscore.runtime.jvm.Specs.run;
import static io.sparkscore.runtime.jvm.Specs.shape;
import static io.sparkscore.runtime.jvm.Specs.tensor;
import static io.sparkscore.runtime.jvm.Specs.wrapper;

class RecurrentLayersTest {

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** h = x * 2 + h * 0.5 + 0.1, linear: over [1, 2, 3] the states are 2.1, 5.15, 8.675. */
    private static LayerSpec linearRnn(String name, boolean sequences, boolean backwards, float k, float u, float b) {
        return layer(name, "SimpleRNN", config("units", 1, "activation", "linear", "return_sequences", sequences,
                "go_backwards", backwards), tensor("kernel", shape(1, 1), k),
                tensor("recurrent_kernel", shape(1, 1), u),
                tensor("bias", shape(1), b));
    }

    @Test
    void simpleRnnReturnsTheLastStateOrTheWholeSequence() {
        assertClose(run(shape(3, 1), linearRnn("r", false, false, 2, 0.5f, 0.1f), 1, 2, 3), 8.675);
        assertClose(run(shape(3, 1), linearRnn("r", true, false, 2, 0.5f, 0.1f), 1, 2, 3), 2.1, 5.15, 8.675);
    }

    @Test
    void simpleRnnGoBackwardsReturnsTheSequenceInProcessingOrder() {
        // reads 3, 2, 1: 6.1, 2*2 + 3.05 + 0.1 = 7.15, 2*1 + 3.575 + 0.1 = 5.675
        assertClose(run(shape(3, 1), linearRnn("r", true, true, 2, 0.5f, 0.1f), 1, 2, 3), 6.1, 7.15, 5.675);
    }

    @Test
    void simpleRnnAppliesTanhByDefault() {
        var rnn = layer("r", "SimpleRNN", config("units", 1, "use_bias", false), tensor("kernel", shape(1, 1), 1),
                tensor("recurrent_kernel", shape(1, 1), 1));
        double h1 = Math.tanh(0.5);
        assertClose(run(shape(2, 1), rnn, 0.5f, 0.25f), Math.tanh(0.25 + h1));
    }

    @Test
    void lstmTwoStepsByHand() {
        var lstm = layer("l", "LSTM", config("units", 1), tensor("kernel", shape(1, 4), 1, 2, 3, 4),
                tensor("recurrent_kernel", shape(1, 4), 0.5f, -0.5f, 0.25f, 1),
                tensor("bias", shape(4), 0.1f, 0.2f, 0.3f, 0.4f));
        double h = 0;
        double c = 0;
        for (double x : new double[] {0.5, -1}) {
            double i = sigmoid(x + 0.5 * h + 0.1);
            double f = sigmoid(2 * x - 0.5 * h + 0.2);
            double g = Math.tanh(3 * x + 0.25 * h + 0.3);
            double o = sigmoid(4 * x + h + 0.4);
            c = f * c + i * g;
            h = o * Math.tanh(c);
        }
        assertClose(run(shape(2, 1), lstm, 0.5f, -1), h);
    }

    @Test
    void lstmHonoursRecurrentActivation() {
        var lstm = layer("l", "LSTM", config("units", 1, "recurrent_activation", "hard_sigmoid_keras2",
                "activation", "linear", "use_bias", false), tensor("kernel", shape(1, 4), 1, 1, 1, 1),
                tensor("recurrent_kernel", shape(1, 4), 0, 0, 0, 0));
        // one step, x = 1: gates 0.7; c = 0.7 * 1; h = 0.7 * 0.7
        assertClose(run(shape(1, 1), lstm, 1), 0.49);
    }

    private static double gru(double[] xs, boolean resetAfter) {
        double h = 0;
        for (double x : xs) {
            double z;
            double r;
            double hh;
            if (resetAfter) {
                z = sigmoid(0.5 * x + 0.1 + h + 0.4);
                r = sigmoid(-x + 0.2 + 0.5 * h + 0.5);
                hh = Math.tanh(2 * x + 0.3 + r * (-0.5 * h + 0.6));
            } else {
                z = sigmoid(0.5 * x + 0.1 + h);
                r = sigmoid(-x + 0.2 + 0.5 * h);
                hh = Math.tanh(2 * x + 0.3 + (r * h) * -0.5);
            }
            h = z * h + (1 - z) * hh;
        }
        return h;
    }

    @Test
    void gruResetAfterMultipliesTheRecurrentProjectionPlusItsBias() {
        var gru = layer("g", "GRU", config("units", 1, "reset_after", true),
                tensor("kernel", shape(1, 3), 0.5f, -1, 2), tensor("recurrent_kernel", shape(1, 3), 1, 0.5f, -0.5f),
                tensor("bias", shape(2, 3), 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f));
        assertClose(run(shape(2, 1), gru, 1, 2), gru(new double[] {1, 2}, true));
    }

    @Test
    void gruResetBeforeMultipliesTheStateBeforeTheRecurrentProjection() {
        var gru = layer("g", "GRU", config("units", 1, "reset_after", false),
                tensor("kernel", shape(1, 3), 0.5f, -1, 2), tensor("recurrent_kernel", shape(1, 3), 1, 0.5f, -0.5f),
                tensor("bias", shape(3), 0.1f, 0.2f, 0.3f));
        double expected = gru(new double[] {1, 2}, false);
        assertClose(run(shape(2, 1), gru, 1, 2), expected);
        org.assertj.core.api.Assertions.assertThat(expected)
                .isNotCloseTo(gru(new double[] {1, 2}, true), org.assertj.core.api.Assertions.within(1e-3));
    }

    @Test
    void rnnTakesAnInitialStateFromASecondInput() {
        var rnn = linearRnn("r", false, false, 2, 0.5f, 0.1f);
        ModelSpec spec = new ModelSpec("init", "programmatic", "3",
                List.of(new InputSpec("x", shape(1, 1), "float32"), new InputSpec("h0", shape(1), "float32")),
                List.of(rnn), List.of(new NodeSpec("out", "r", List.of("x", "h0"))), List.of("out"));
        JvmModel model = JvmModel.load(spec);
        float[] out = new float[1];
        try (JvmPredictor p = model.newPredictor(1)) {
            p.predict(new float[][] {{1}, {4}}, 1, new float[][] {out});
        }
        assertClose(out, 2 + 0.5 * 4 + 0.1);
    }

    private static LayerSpec bidirectional(String mode, boolean sequences, boolean backwardFlag) {
        var fw = linearRnn("forward_r", sequences, false, 2, 0.5f, 0.1f);
        var bw = linearRnn("backward_r", sequences, backwardFlag, 1, 1, 0);
        return wrapper("bi", "Bidirectional", config("merge_mode", mode), fw, bw);
    }

    @Test
    void bidirectionalFlipsTheBackwardSequenceBackBeforeMerging() {
        // forward: 2.1, 5.15, 8.675; backward reads 3, 2, 1 -> 3, 5, 6, flipped back to time order: 6, 5, 3
        float[] x = {1, 2, 3};
        assertClose(run(shape(3, 1), bidirectional("concat", true, true), x), 2.1, 6, 5.15, 5, 8.675, 3);
        assertClose(run(shape(3, 1), bidirectional("sum", true, true), x), 8.1, 10.15, 11.675);
        assertClose(run(shape(3, 1), bidirectional("mul", true, true), x), 12.6, 25.75, 26.025);
        assertClose(run(shape(3, 1), bidirectional("ave", true, true), x), 4.05, 5.075, 5.8375);
    }

    @Test
    void bidirectionalWithoutSequencesMergesTheFinalStates() {
        assertClose(run(shape(3, 1), bidirectional("concat", false, true), 1, 2, 3), 8.675, 6);
    }

    @Test
    void bidirectionalRunsTheBackwardLayerReversedEvenIfItsConfigSaysOtherwise() {
        assertClose(run(shape(3, 1), bidirectional("sum", true, false), 1, 2, 3), 8.1, 10.15, 11.675);
    }

    @Test
    void bidirectionalConcatAcceptsABackwardLayerOfOtherUnits() {
        // backward: 2 units, kernel [1, 2] = [1, -1], identity-free recurrence (zero recurrent kernel), no bias
        var fw = linearRnn("forward_r", true, false, 2, 0.5f, 0.1f);
        var bw = layer("backward_r", "SimpleRNN", config("units", 2, "activation", "linear", "return_sequences",
                true, "go_backwards", true, "use_bias", false), tensor("kernel", shape(1, 2), 1, -1),
                tensor("recurrent_kernel", shape(2, 2), 0, 0, 0, 0));
        var bi = wrapper("bi", "Bidirectional", config("merge_mode", "concat"), fw, bw);
        assertClose(run(shape(3, 1), bi, 1, 2, 3), 2.1, 1, -1, 5.15, 2, -2, 8.675, 3, -3);
    }

    @Test
    void timeDistributedDenseAppliesToEveryStep() {
        var td = wrapper("td", "TimeDistributed", config(), layer("d", "Dense", config("units", 1),
                tensor("kernel", shape(2, 1), 1, 10), tensor("bias", shape(1), 0.5f)));
        assertClose(run(shape(2, 2), td, 1, 2, 3, 4), 21.5, 43.5);
    }

    @Test
    void timeDistributedConv1dUsesItsScratchPerStep() {
        var td = wrapper("td", "TimeDistributed", config(), layer("s", "SeparableConv1D",
                config("filters", 1, "kernel_size", 1), tensor("depthwise_kernel", shape(1, 1, 1), 2),
                tensor("pointwise_kernel", shape(1, 1, 1), 3), tensor("bias", shape(1), 1)));
        assertClose(run(shape(2, 2, 1), td, 1, 2, 3, 4), 7, 13, 19, 25);
    }
}
