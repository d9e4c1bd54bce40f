package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.sparkscore.runtime.tf.TfTesting.assertClose;
import static io.sparkscore.runtime.tf.TfTesting.config;
import static io.sparkscore.runtime.tf.TfTesting.layer;
import static io.sparkscore.runtime.tf.TfTesting.predict;
import static io.sparkscore.runtime.tf.TfTesting.sequential;
import static io.sparkscore.runtime.tf.TfTesting.shape;
import static io.sparkscore.runtime.tf.TfTesting.tensor;
import static org.assertj.core.api.Assertions.assertThat;

class RecurrentLayersTest {

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void lstmOneStepByHand() {
        // one unit, one feature: gates i, f, c, o
        LayerSpec lstm = layer("lstm", "LSTM", config("units", 1),
                tensor("kernel", shape(1, 4), 0.5f, -0.3f, 0.8f, 0.2f),
                tensor("recurrent_kernel", shape(1, 4), 0.1f, 0.4f, -0.6f, 0.3f),
                tensor("bias", shape(4), 0.1f, 1, 0, -0.1f));
        double x = 2;
        double i = sigmoid(0.5 * x + 0.1);
        double g = Math.tanh(0.8 * x);
        double o = sigmoid(0.2 * x - 0.1);
        double c = i * g; // the forget gate multiplies the zero initial carry
        assertClose(predict(sequential(shape(1, 1), lstm), 1, (float) x), (float) (o * Math.tanh(c)));
    }

    @Test
    void lstmTwoStepsByHand() {
        LayerSpec lstm = layer("lstm", "LSTM", config("units", 1, "return_sequences", true),
                tensor("kernel", shape(1, 4), 0.5f, -0.3f, 0.8f, 0.2f),
                tensor("recurrent_kernel", shape(1, 4), 0.1f, 0.4f, -0.6f, 0.3f),
                tensor("bias", shape(4), 0.1f, 1, 0, -0.1f));
        double[] xs = {1, -2};
        double h = 0;
        double c = 0;
        float[] expected = new float[2];
        for (int t = 0; t < 2; t++) {
            double i = sigmoid(0.5 * xs[t] + 0.1 * h + 0.1);
            double f = sigmoid(-0.3 * xs[t] + 0.4 * h + 1);
            double g = Math.tanh(0.8 * xs[t] - 0.6 * h);
            double o = sigmoid(0.2 * xs[t] + 0.3 * h - 0.1);
            c = f * c + i * g;
            h = o * Math.tanh(c);
            expected[t] = (float) h;
        }
        assertClose(predict(sequential(shape(2, 1), lstm), 1, 1, -2), expected);
    }

    @Test
    void gruResetAfterOneStepByHand() {
        // gates z, r, h; bias rows: input bias, recurrent bias. Second step to exercise the recurrent bias and r.
        LayerSpec gru = layer("gru", "GRU", config("units", 1, "reset_after", true, "return_sequences", true),
                tensor("kernel", shape(1, 3), 0.5f, -0.4f, 0.9f),
                tensor("recurrent_kernel", shape(1, 3), 0.3f, 0.2f, -0.7f),
                tensor("bias", shape(2, 3), 0.1f, 0.2f, 0.3f, -0.1f, 0.05f, 0.4f));
        double[] xs = {1, 0.5};
        double h = 0;
        float[] expected = new float[2];
        for (int t = 0; t < 2; t++) {
            double z = sigmoid(0.5 * xs[t] + 0.1 + 0.3 * h - 0.1);
            double r = sigmoid(-0.4 * xs[t] + 0.2 + 0.2 * h + 0.05);
            double hh = Math.tanh(0.9 * xs[t] + 0.3 + r * (-0.7 * h + 0.4));
            h = z * h + (1 - z) * hh;
            expected[t] = (float) h;
        }
        assertClose(predict(sequential(shape(2, 1), gru), 1, 1, 0.5f), expected);
    }

    @Test
    void gruResetBeforeByHand() {
        LayerSpec gru = layer("gru", "GRU", config("units", 1, "reset_after", false, "return_sequences", true),
                tensor("kernel", shape(1, 3), 0.5f, -0.4f, 0.9f),
                tensor("recurrent_kernel", shape(1, 3), 0.3f, 0.2f, -0.7f),
                tensor("bias", shape(3), 0.1f, 0.2f, 0.3f));
        double[] xs = {1, 0.5};
        double h = 0;
        float[] expected = new float[2];
        for (int t = 0; t < 2; t++) {
            double z = sigmoid(0.5 * xs[t] + 0.1 + 0.3 * h);
            double r = sigmoid(-0.4 * xs[t] + 0.2 + 0.2 * h);
            double hh = Math.tanh(0.9 * xs[t] + 0.3 + -0.7 * (r * h));
            h = z * h + (1 - z) * hh;
            expected[t] = (float) h;
        }
        assertClose(predict(sequential(shape(2, 1), gru), 1, 1, 0.5f), expected);
    }

    @Test
    void multiUnitLstmKeepsKerasGateLayout() {
        int in = 3;
        int units = 2;
        int steps = 3;
        Tensor kernel = seeded("kernel", shape(in, 4 * units), 1);
        Tensor recurrent = seeded("recurrent_kernel", shape(units, 4 * units), 2);
        Tensor bias = seeded("bias", shape(4 * units), 3);
        float[] x = seeded("x", shape(steps * in), 4).data();
        float[] h = new float[units];
        float[] c = new float[units];
        for (int t = 0; t < steps; t++) {
            double[] z = new double[4 * units];
            for (int j = 0; j < 4 * units; j++) {
                z[j] = bias.data()[j];
                for (int k = 0; k < in; k++) {
                    z[j] += x[t * in + k] * kernel.data()[k * 4 * units + j];
                }
                for (int k = 0; k < units; k++) {
                    z[j] += h[k] * recurrent.data()[k * 4 * units + j];
                }
            }
            for (int u = 0; u < units; u++) {
                double i = sigmoid(z[u]);
                double f = sigmoid(z[units + u]);
                double g = Math.tanh(z[2 * units + u]);
                double o = sigmoid(z[3 * units + u]);
                c[u] = (float) (f * c[u] + i * g);
                h[u] = (float) (o * Math.tanh(c[u]));
            }
        }
        float[] out = predict(sequential(shape(steps, in), layer("lstm", "LSTM", config("units", units),
                kernel, recurrent, bias)), 1, x);
        assertClose(out, h);
    }

    private static Tensor seeded(String name, int[] shape, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] v = new float[(int) io.sparkscore.model.Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * 0.5);
        }
        return new Tensor(name, shape, v);
    }

    private static LayerSpec linearRnn(String name, float kernel, float recurrent, Map<String, Object> extra) {
        Map<String, Object> cfg = new java.util.LinkedHashMap<>(config("units", 1, "activation", "linear"));
        cfg.putAll(extra);
        return layer(name, "SimpleRNN", cfg, tensor("kernel", shape(1, 1), kernel),
                tensor("recurrent_kernel", shape(1, 1), recurrent), tensor("bias", shape(1), 0));
    }

    @Test
    void simpleRnnGoBackwardsReturnsTheSequenceInProcessingOrder() {
        float[] out = predict(sequential(shape(3, 1), linearRnn("rnn", 1, 0.5f,
                config("return_sequences", true, "go_backwards", true))), 1, 1, 2, 3);
        assertClose(out, 3, 3.5f, 2.75f);
    }

    private static LayerSpec bidirectional(String mergeMode, boolean returnSequences) {
        Map<String, Object> seq = config("return_sequences", returnSequences);
        return TfTesting.wrapper("bi", "Bidirectional", config("merge_mode", mergeMode),
                java.util.List.of(linearRnn("forward_rnn", 1, 0.5f, seq), linearRnn("backward_rnn", 2, 0.5f, seq)));
    }

    @Test
    void bidirectionalMergeModesFlipTheBackwardSequenceBack() {
        // forward over 1, 2, 3: 1, 2.5, 4.25. backward over 3, 2, 1: 6, 7, 5.5, flipped back: 5.5, 7, 6
        float[] x = {1, 2, 3};
        assertClose(predict(sequential(shape(3, 1), bidirectional("concat", true)), 1, x), 1, 5.5f, 2.5f, 7, 4.25f, 6);
        assertClose(predict(sequential(shape(3, 1), bidirectional("sum", true)), 1, x), 6.5f, 9.5f, 10.25f);
        assertClose(predict(sequential(shape(3, 1), bidirectional("mul", true)), 1, x), 5.5f, 17.5f, 25.5f);
        assertClose(predict(sequential(shape(3, 1), bidirectional("ave", true)), 1, x), 3.25f, 4.75f, 5.125f);
        assertClose(predict(sequential(shape(3, 1), bidirectional("concat", false)), 1, x), 4.25f, 5.5f);
    }

    @Test
    void bidirectionalWithoutMergeModeIsRefused() {
        assertThat(TfSupport.whyUnsupported(bidirectional(null, false))).contains(
                "merge_mode=None (two separate outputs) is not supported; use concat, sum, mul or ave");
    }

    @Test
    void refusesReturnState() {
        assertThat(TfSupport.whyUnsupported(linearRnn("rnn", 1, 1, config("return_state", true)))).contains(
                "return_state=true is not supported (one layer giving several outputs)");
    }

    @Test
    void timeDistributedDenseAppliesPerStep() {
        LayerSpec dense = layer("dense", "Dense", config("units", 2),
                tensor("kernel", shape(2, 2), 1, 0, 1, 1), tensor("bias", shape(2), 0, 1));
        LayerSpec td = TfTesting.wrapper("td", "TimeDistributed", config(), java.util.List.of(dense));
        assertClose(predict(sequential(shape(2, 2), td), 1, 1, 2, 3, 4), 3, 3, 7, 5);
    }

    @Test
    void simpleRnnStartsFromAGivenInitialState() {
        LayerSpec rnn = linearRnn("rnn", 1, 0.5f, config());
        io.sparkscore.model.ModelSpec spec = new io.sparkscore.model.ModelSpec("init", "programmatic", "3",
                java.util.List.of(new io.sparkscore.model.InputSpec("x", shape(2, 1), "float32"),
                        new io.sparkscore.model.InputSpec("h0", shape(1), "float32")),
                java.util.List.of(rnn),
                java.util.List.of(new io.sparkscore.model.NodeSpec("out", "rnn", java.util.List.of("x", "h0"))),
                java.util.List.of("out"));
        try (TfModel model = TfModel.load(spec, io.sparkscore.runtime.RuntimeOptions.singleThreaded());
             io.sparkscore.runtime.Predictor p = model.newPredictor(1)) {
            float[] out = new float[1];
            p.predict(new float[][] {{1, 2}, {4}}, 1, new float[][] {out});
            // h1 = 1 + 0.5 * 4 = 3, h2 = 2 + 0.5 * 3 = 3.5
            assertClose(out, 3.5f);
        }
    }

    @Test
    void gruWithoutResetAfterInItsConfigFollowsTheBiasShape() {
        Tensor kernel = tensor("kernel", shape(1, 3), 0.5f, -0.4f, 0.9f);
        Tensor recurrent = tensor("recurrent_kernel", shape(1, 3), 0.3f, 0.2f, -0.7f);
        Tensor bias = tensor("bias", shape(3), 0.1f, 0.2f, 0.3f);
        float[] legacy = predict(sequential(shape(2, 1), layer("gru", "GRU", config("units", 1),
                kernel, recurrent, bias)), 1, 1, 0.5f);
        float[] resetBefore = predict(sequential(shape(2, 1), layer("gru", "GRU", config("units", 1,
                "reset_after", false), kernel, recurrent, bias)), 1, 1, 0.5f);
        assertThat(legacy).containsExactly(resetBefore);
    }
}
