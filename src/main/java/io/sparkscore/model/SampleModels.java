package io.sparkscore.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Seeded models sparkscore generates itself: the demo's sample model and the benchmark models. Weights are drawn like
 * Keras' default {@code glorot_uniform} kernel initialiser, with zero biases replaced by small seeded values so that
 * bias handling is exercised.
 */
public final class SampleModels {

    private SampleModels() {
    }

    /** The seed experiment's tiny model: Input(4) → Dense(2, relu) → Dense(1, sigmoid). */
    public static ModelSpec tiny(long seed) {
        Random random = new Random(seed);
        return new SequentialBuilder("tiny", new int[] {4})
                .add(dense("dense", 4, 2, "relu", random))
                .add(dense("dense_1", 2, 1, "sigmoid", random))
                .build();
    }

    /** A Dense layer with glorot-uniform kernel and small random bias. */
    public static LayerSpec dense(String name, int in, int units, String activation, Random random) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", name);
        config.put("units", units);
        config.put("activation", activation);
        config.put("use_bias", true);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("kernel", glorot("kernel", new int[] {in, units}, in, units, random));
        weights.put("bias", uniform("bias", new int[] {units}, 0.1, random));
        return new LayerSpec(name, "Dense", new LayerConfig(name, "Dense", config), weights);
    }

    public static Tensor glorot(String name, int[] shape, int fanIn, int fanOut, Random random) {
        return uniform(name, shape, Math.sqrt(6.0 / (fanIn + fanOut)), random);
    }

    public static Tensor uniform(String name, int[] shape, double limit, Random random) {
        float[] data = new float[Math.toIntExact(Shapes.size(shape))];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
        }
        return new Tensor(name, shape, data);
    }
}
