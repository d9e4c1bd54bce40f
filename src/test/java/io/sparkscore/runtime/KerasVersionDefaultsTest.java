package io.sparkscore.runtime;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Where Keras versions differ, both paths take the file's version from one place and apply the same default:
 * GRU {@code reset_after} without the key or a bias, and the epsilon of Dot's {@code normalize}. A file that names
 * no version is read as Keras 2 by the reader and by both paths alike.
 */
class KerasVersionDefaultsTest {

    private static float[] predict(ModelSpec spec, PredictionPath path, float[][] inputs, int outSize) {
        try (LoadedModel model = PredictionPaths.load(spec, path, RuntimeOptions.singleThreaded());
             Predictor p = model.newPredictor(1)) {
            float[] out = new float[outSize];
            p.predict(inputs, 1, new float[][] {out});
            return out;
        }
    }

    private static ModelSpec oneLayer(String version, LayerSpec layer, List<InputSpec> inputs) {
        return new ModelSpec("m", "programmatic", version, inputs, List.of(layer),
                List.of(new NodeSpec(layer.name(), layer.name(), inputs.stream().map(InputSpec::name).toList())),
                List.of(layer.name()));
    }

    /** Dot(normalize) of (1e-8, 0, 0) and (1, 0, 0): 1e-8 times the capped inverse norm. */
    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void dotNormalizeCapsTheInverseNormAsTheFilesKerasVersionDoes(PredictionPath path) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("axes", 1);
        c.put("normalize", true);
        LayerSpec dot = new LayerSpec("dot", "Dot", new LayerConfig("dot", "Dot", c), Map.of());
        List<InputSpec> inputs = List.of(new InputSpec("a", new int[] {3}, "float32"),
                new InputSpec("b", new int[] {3}, "float32"));
        float[][] rows = {{1e-8f, 0, 0}, {1, 0, 0}};
        // Keras 3: min(1/||a||, 1e7) = 1e7; Keras 2: 1/sqrt(max(||a||^2, 1e-12)) = 1e6
        assertThat(predict(oneLayer("3.6.0", dot, inputs), path, rows, 1)[0]).isCloseTo(0.1f, within(1e-6f));
        assertThat(predict(oneLayer("2.15.0", dot, inputs), path, rows, 1)[0]).isCloseTo(0.01f, within(1e-7f));
        assertThat(predict(oneLayer(null, dot, inputs), path, rows, 1)[0]).isCloseTo(0.01f, within(1e-7f));
    }

    private static LayerSpec gru(Boolean resetAfter) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("units", 2);
        c.put("use_bias", false);
        c.put("return_sequences", false);
        if (resetAfter != null) {
            c.put("reset_after", resetAfter);
        }
        float[] kernel = {0.5f, -0.3f, 0.8f, 0.1f, -0.6f, 0.4f, 0.2f, 0.7f, -0.5f, 0.3f, 0.9f, -0.2f};
        float[] recurrent = {0.6f, -0.4f, 0.3f, 0.9f, -0.7f, 0.2f, -0.1f, 0.5f, 0.8f, -0.3f, 0.4f, 0.6f};
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("kernel", new Tensor("kernel", new int[] {2, 6}, kernel));
        w.put("recurrent_kernel", new Tensor("recurrent_kernel", new int[] {2, 6}, recurrent));
        return new LayerSpec("gru", "GRU", new LayerConfig("gru", "GRU", c), w);
    }

    /** Without the key and a bias, Keras 3 means reset_after=true and older files reset_after=false, on both paths. */
    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void gruWithoutResetAfterOrBiasTakesTheDefaultOfTheFilesKerasVersion(PredictionPath path) {
        List<InputSpec> in = List.of(new InputSpec("x", new int[] {3, 2}, "float32"));
        float[][] rows = {{0.9f, -0.4f, 0.3f, 0.8f, -1.2f, 0.5f}};
        float[] after = predict(oneLayer("3.6.0", gru(true), in), path, rows, 2);
        float[] before = predict(oneLayer("3.6.0", gru(false), in), path, rows, 2);
        assertThat(after).as("the two formulas differ on these weights").isNotEqualTo(before);

        assertThat(predict(oneLayer("3.6.0", gru(null), in), path, rows, 2)).containsExactly(after);
        assertThat(predict(oneLayer("2.1.0", gru(null), in), path, rows, 2)).containsExactly(before);
    }
}
