package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SequentialBuilder;
import io.sparkscore.model.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for test models with explicit weights. */
final class Specs {

    private Specs() {
    }

    static Tensor tensor(String name, int[] shape, float... values) {
        return new Tensor(name, shape, values);
    }

    static int[] shape(int... dims) {
        return dims;
    }

    /** Config from alternating key/value pairs. */
    static Map<String, Object> config(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    static LayerSpec layer(String name, String cls, Map<String, Object> config, Tensor... weights) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (Tensor t : weights) {
            w.put(t.name(), t);
        }
        return new LayerSpec(name, cls, new LayerConfig(name, cls, config), w);
    }

    static LayerSpec wrapper(String name, String cls, Map<String, Object> config, LayerSpec... children) {
        return new LayerSpec(name, cls, new LayerConfig(name, cls, config), Map.of(), List.of(children));
    }

    static ModelSpec sequential(int[] inputShape, LayerSpec... layers) {
        SequentialBuilder b = new SequentialBuilder("test", inputShape);
        for (LayerSpec l : layers) {
            b.add(l);
        }
        return b.build();
    }

    /** Runs one batch through a fresh predictor and returns the single output. */
    static float[] predict(ModelSpec spec, int rows, float... input) {
        JvmModel model = JvmModel.load(spec);
        float[] out = new float[rows * model.signature().outputSize(0)];
        try (JvmPredictor p = model.newPredictor(rows)) {
            p.predict(new float[][] {input}, rows, new float[][] {out});
        }
        return out;
    }

    /** Runs one layer on one row. */
    static float[] run(int[] inputShape, LayerSpec layer, float... input) {
        return predict(sequential(inputShape, layer), 1, input);
    }

    /** Asserts element-wise closeness to 1e-5, the tolerance the jvm path promises against Keras. */
    static void assertClose(float[] actual, double... expected) {
        org.assertj.core.api.Assertions.assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            org.assertj.core.api.Assertions.assertThat((double) actual[i]).as("element %d of %s", i,
                    java.util.Arrays.toString(actual)).isCloseTo(expected[i],
                    org.assertj.core.api.Assertions.within(1e-5));
        }
    }
}
