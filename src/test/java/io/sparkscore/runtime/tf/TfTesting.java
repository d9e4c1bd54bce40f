package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SequentialBuilder;
import io.sparkscore.model.Tensor;
import io.sparkscore.runtime.Predictor;
import io.sparkscore.runtime.RuntimeOptions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Small builders for hand-made test models and a one-call way to score them on the tf path. */
final class TfTesting {

    static final float TOLERANCE = 1e-5f;

    private TfTesting() {
    }

    static Tensor tensor(String name, int[] shape, float... values) {
        return new Tensor(name, shape, values);
    }

    static int[] shape(int... dims) {
        return dims;
    }

    /** A config map from alternating keys and values (values may be null). */
    static Map<String, Object> config(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    static LayerSpec layer(String name, String className, Map<String, Object> config, Tensor... weights) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (Tensor t : weights) {
            w.put(t.name(), t);
        }
        return new LayerSpec(name, className, new LayerConfig(name, className, config), w);
    }

    static LayerSpec wrapper(String name, String className, Map<String, Object> config, List<LayerSpec> children) {
        return new LayerSpec(name, className, new LayerConfig(name, className, config), Map.of(), children);
    }

    static ModelSpec sequential(int[] inputShape, LayerSpec... layers) {
        SequentialBuilder b = new SequentialBuilder("test", inputShape);
        for (LayerSpec l : layers) {
            b.add(l);
        }
        return b.build();
    }

    /** Scores {@code rows} rows of a single-input, single-output model and returns the flat output. */
    static float[] predict(ModelSpec spec, int rows, float... input) {
        try (TfModel model = TfModel.load(spec, RuntimeOptions.singleThreaded());
             Predictor p = model.newPredictor(rows)) {
            float[] out = new float[rows * model.signature().outputSize(0)];
            p.predict(new float[][] {input}, rows, new float[][] {out});
            return out;
        }
    }

    static void assertClose(float[] actual, float... expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("value %d of %s", i, java.util.Arrays.toString(actual))
                    .isCloseTo(expected[i], within(TOLERANCE * Math.max(1f, Math.abs(expected[i]))));
        }
    }
}
