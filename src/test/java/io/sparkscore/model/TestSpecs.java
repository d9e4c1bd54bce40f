package io.sparkscore.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for hand-made test models with explicit weights, shared by the tests that write specs directly. */
public final class TestSpecs {

    private TestSpecs() {
    }

    public static Tensor tensor(String name, int[] shape, float... values) {
        return new Tensor(name, shape, values);
    }

    public static int[] shape(int... dims) {
        return dims;
    }

    /** A layer config from alternating keys and values (values may be null). */
    public static Map<String, Object> config(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    public static LayerSpec layer(String name, String className, Map<String, Object> config, Tensor... weights) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (Tensor t : weights) {
            w.put(t.name(), t);
        }
        return new LayerSpec(name, className, new LayerConfig(name, className, config), w);
    }

    /** A layer that wraps others (Bidirectional, TimeDistributed): no weights of its own. */
    public static LayerSpec wrapper(String name, String className, Map<String, Object> config,
                                    LayerSpec... children) {
        return new LayerSpec(name, className, new LayerConfig(name, className, config), Map.of(), List.of(children));
    }

    public static ModelSpec sequential(int[] inputShape, LayerSpec... layers) {
        SequentialBuilder b = new SequentialBuilder("test", inputShape);
        for (LayerSpec l : layers) {
            b.add(l);
        }
        return b.build();
    }
}
