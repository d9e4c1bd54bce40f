package io.sparkscore.runtime;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.sparkscore.model.TestSpecs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * EinsumDense and the attention layers against values computed by hand (the softmax weights in the comments), on
 * each path: small models with chosen weights, one row each.
 */
class AttentionReferenceTest {

    private static final double TOLERANCE = 1e-6;
    private static final double E = Math.E;

    private static LayerSpec layer(String name, String cls, Map<String, Object> config, Tensor... weights) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (Tensor t : weights) {
            w.put(t.name(), t);
        }
        return new LayerSpec(name, cls, new LayerConfig(name, cls, config), w);
    }

    private static Tensor t(String name, int[] shape, float... values) {
        return new Tensor(name, shape, values);
    }

    /** A model applying {@code layer} once to its inputs (named in order), called with {@code callArgs}. */
    private static float[] predict(PredictionPath path, LayerSpec layer, Map<String, Object> callArgs,
                                   List<InputSpec> inputs, float[]... rows) {
        List<String> names = new ArrayList<>();
        inputs.forEach(in -> names.add(in.name()));
        ModelSpec spec = new ModelSpec("m", "programmatic", "3.6.0", inputs, List.of(layer),
                List.of(new NodeSpec("out", layer.name(), names, callArgs)), List.of("out"));
        try (LoadedModel model = PredictionPaths.load(spec, path, RuntimeOptions.singleThreaded())) {
            return ParityRuns.predict(model, new ParityRuns.Batch(1, rows), 1)[0];
        }
    }

    private static InputSpec in(String name, int... shape) {
        return new InputSpec(name, shape, "float32");
    }

    private static void assertClose(float[] actual, double... expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("value %s of %s", i, java.util.Arrays.toString(actual))
                    .isCloseTo(expected[i], within(TOLERANCE));
        }
    }

    /** Two heads of size 1 that each read one feature: head 0 feature 0, head 1 feature 1; identity weights. */
    private static LayerSpec twoHeads(boolean outputBias) {
        float[] eye = {1, 0, 0, 1};
        int[] proj = {2, 2, 1};
        List<Tensor> w = new ArrayList<>();
        for (String s : List.of("query", "key", "value")) {
            w.add(t(s + "/kernel", proj, eye));
            w.add(t(s + "/bias", new int[] {2, 1}, 0, 0));
        }
        w.add(t("attention_output/kernel", new int[] {2, 1, 2}, eye));
        w.add(t("attention_output/bias", new int[] {2}, outputBias ? new float[] {0.5f, -1f} : new float[] {0, 0}));
        return layer("mha", "MultiHeadAttention", config("num_heads", 2, "key_dim", 1, "value_dim", 1,
                "use_bias", true, "output_shape", null, "attention_axes", null), w.toArray(new Tensor[0]));
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void multiHeadAttentionTwoHeads(PredictionPath path) {
        // positions t0 = (1, 0), t1 = (0, 2); key_dim 1, so the scale is 1.
        // head 0 sees (1, 0): t0 scores (1, 0) -> weights (e/(e+1), 1/(e+1)), output e/(e+1); t1 scores (0, 0) -> 0.5
        // head 1 sees (0, 2): t0 scores (0, 0) -> output 1; t1 scores (0, 4) -> weights (1, e^4)/(1+e^4), output
        // 2 e^4/(1+e^4)
        float[] x = {1, 0, 0, 2};
        double h0t0 = E / (E + 1);
        double h1t1 = 2 * Math.exp(4) / (1 + Math.exp(4));
        assertClose(predict(path, twoHeads(true), Map.of(), List.of(in("x", 2, 2), in("x2", 2, 2)), x, x),
                h0t0 + 0.5, 1 - 1, 0.5 + 0.5, h1t1 - 1);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void multiHeadAttentionCausalMask(PredictionPath path) {
        // t0 may attend to itself only: each head returns its value at t0, (1, 0); t1 is as without the mask
        float[] x = {1, 0, 0, 2};
        assertClose(predict(path, twoHeads(false), Map.of("use_causal_mask", true),
                List.of(in("x", 2, 2), in("x2", 2, 2)), x, x), 1, 0, 0.5, 2 * Math.exp(4) / (1 + Math.exp(4)));
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void multiHeadAttentionValueOfOtherLength(PredictionPath path) {
        // query one position (1, 1) over three value positions (0, 0), (1, 0), (0, 3):
        // head 0 scores (0, 1, 0) -> weights (1, e, 1)/(e+2), output e/(e+2)
        // head 1 scores (0, 0, 3) -> weights (1, 1, e^3)/(e^3+2), output 3 e^3/(e^3+2)
        assertClose(predict(path, twoHeads(false), Map.of(), List.of(in("q", 1, 2), in("v", 3, 2)),
                new float[] {1, 1}, new float[] {0, 0, 1, 0, 0, 3}),
                E / (E + 2), 3 * Math.exp(3) / (Math.exp(3) + 2));
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void attentionDotAndCausal(PredictionPath path) {
        // query (1, 0), (0, 1); value = key (1, 2), (3, 4): scores (1, 3) and (2, 4), both weights
        // (1, e^2)/(1+e^2), output (1, 2) + (2, 2) e^2/(1+e^2); causally t0 sees only (1, 2)
        LayerSpec att = layer("att", "Attention", config("use_scale", false, "score_mode", "dot", "dropout", 0.0));
        float[] q = {1, 0, 0, 1};
        float[] v = {1, 2, 3, 4};
        double w = Math.exp(2) / (1 + Math.exp(2));
        List<InputSpec> ins = List.of(in("q", 2, 2), in("v", 2, 2));
        assertClose(predict(path, att, Map.of(), ins, q, v), 1 + 2 * w, 2 + 2 * w, 1 + 2 * w, 2 + 2 * w);
        assertClose(predict(path, att, Map.of("use_causal_mask", true), ins, q, v), 1, 2, 1 + 2 * w, 2 + 2 * w);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void attentionScaleAndConcat(PredictionPath path) {
        // concat: scores = w · Σ tanh(scale (q + k)); query (0.5, 0), keys (0, 0), (1, 0), scale 2, w 3:
        // s0 = 3 tanh(1) , s1 = 3 tanh(3); output = weighted values (10, 20)
        LayerSpec att = layer("att", "Attention", config("use_scale", true, "score_mode", "concat"),
                t("scale", new int[0], 2), t("concat_score_weight", new int[0], 3));
        double s0 = 3 * Math.tanh(1);
        double s1 = 3 * Math.tanh(3);
        double w1 = Math.exp(s1) / (Math.exp(s0) + Math.exp(s1));
        assertClose(predict(path, att, Map.of(), List.of(in("q", 1, 2), in("v", 2, 1), in("k", 2, 2)),
                new float[] {0.5f, 0}, new float[] {10, 20}, new float[] {0, 0, 1, 0}), 10 + 10 * w1);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void additiveAttention(PredictionPath path) {
        // scores Σ scale_d tanh(q_d + k_d), scale (1, -1): query (1, 0), keys (1, 2), (3, 4):
        // s0 = tanh(2) - tanh(2) = 0, s1 = tanh(4) - tanh(4) = 0 -> uniform, output mean of the values (2, 3)
        // query (0, 1): s0 = tanh(1) - tanh(3), s1 = tanh(3) - tanh(5)
        LayerSpec att = layer("add", "AdditiveAttention", config("use_scale", true, "dropout", 0.0),
                t("scale", new int[] {2}, 1, -1));
        double s0 = Math.tanh(1) - Math.tanh(3);
        double s1 = Math.tanh(3) - Math.tanh(5);
        double w1 = Math.exp(s1) / (Math.exp(s0) + Math.exp(s1));
        assertClose(predict(path, att, Map.of(), List.of(in("q", 2, 2), in("v", 2, 2)),
                new float[] {1, 0, 0, 1}, new float[] {1, 2, 3, 4}), 2, 3, 1 + 2 * w1, 2 + 2 * w1);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void attentionWithoutPositionAxisReturnsTheValue(PredictionPath path) {
        // one row attends to itself alone: softmax over one score is 1
        LayerSpec att = layer("att", "Attention", config("use_scale", false, "score_mode", "dot"));
        assertClose(predict(path, att, Map.of(), List.of(in("q", 3), in("v", 3)),
                new float[] {5, -1, 2}, new float[] {0.25f, 7, -3}), 0.25, 7, -3);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void einsumDenseWithBiasOverEitherAxis(PredictionPath path) {
        // ab,bcd->acd: x (1, 2) and kernel K[b][c][d] = [[1, 0], [0, 1]], [[2, 1], [0, -1]] give [[5, 2], [0, -1]]
        Tensor kernel = t("kernel", new int[] {2, 2, 2}, 1, 0, 0, 1, 2, 1, 0, -1);
        LayerSpec overD = layer("e", "EinsumDense", config("equation", "ab,bcd->acd", "output_shape", List.of(2, 2),
                "bias_axes", "d", "activation", "linear"), kernel, t("bias", new int[] {2}, 0.5f, -0.5f));
        assertClose(predict(path, overD, Map.of(), List.of(in("x", 2)), new float[] {1, 2}), 5.5, 1.5, 0.5, -1.5);
        // bias over c has Keras' shape (2, 1): it broadcasts along d
        LayerSpec overC = layer("e", "EinsumDense", config("equation", "ab,bcd->acd", "output_shape", List.of(2, 2),
                "bias_axes", "c", "activation", "relu"), kernel, t("bias", new int[] {2, 1}, 10, 20));
        assertClose(predict(path, overC, Map.of(), List.of(in("x", 2)), new float[] {1, 2}), 15, 12, 20, 19);
    }
}
