package io.sparkscore.runtime.tf;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.runtime.Predictor;
import io.sparkscore.runtime.RuntimeOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.sparkscore.runtime.tf.TfTesting.assertClose;
import static io.sparkscore.runtime.tf.TfTesting.config;
import static io.sparkscore.runtime.tf.TfTesting.layer;
import static io.sparkscore.runtime.tf.TfTesting.shape;
import static org.assertj.core.api.Assertions.assertThat;

class MergeLayersTest {

    /** Applies a two-input layer to inputs a and b of the given shapes and returns its output for one row. */
    private static float[] merge(LayerSpec merge, int[] shapeA, float[] a, int[] shapeB, float[] b) {
        ModelSpec spec = new ModelSpec("merge", "programmatic", "3",
                List.of(new InputSpec("a", shapeA, "float32"), new InputSpec("b", shapeB, "float32")),
                List.of(merge), List.of(new NodeSpec("m", merge.name(), List.of("a", "b"))), List.of("m"));
        try (TfModel model = TfModel.load(spec, RuntimeOptions.singleThreaded()); Predictor p = model.newPredictor(1)) {
            float[] out = new float[model.signature().outputSize(0)];
            p.predict(new float[][] {a, b}, 1, new float[][] {out});
            return out;
        }
    }

    private static float[] merge2(String className, Map<String, Object> config) {
        return merge(layer("m", className, config), shape(2), new float[] {1, 6}, shape(2), new float[] {4, 2});
    }

    @Test
    void elementWiseMerges() {
        assertClose(merge2("Add", config()), 5, 8);
        assertClose(merge2("Subtract", config()), -3, 4);
        assertClose(merge2("Multiply", config()), 4, 12);
        assertClose(merge2("Average", config()), 2.5f, 4);
        assertClose(merge2("Maximum", config()), 4, 6);
        assertClose(merge2("Minimum", config()), 1, 2);
    }

    @Test
    void concatenateOnAnAxis() {
        assertClose(merge2("Concatenate", config("axis", -1)), 1, 6, 4, 2);
        assertClose(merge(layer("m", "Concatenate", config("axis", 1)), shape(1, 2), new float[] {1, 2},
                shape(2, 2), new float[] {3, 4, 5, 6}), 1, 2, 3, 4, 5, 6);
    }

    @Test
    void dotOfVectorsIsOneValuePerRow() {
        assertClose(merge2("Dot", config("axes", 1)), 16);
    }

    @Test
    void dotWithNormalizeIsTheCosine() {
        float[] out = merge(layer("m", "Dot", config("axes", -1, "normalize", true)), shape(2), new float[] {3, 4},
                shape(2), new float[] {4, 3});
        assertClose(out, 24f / 25f);
    }

    @Test
    void dotOfMatricesOverTheirLastAxes() {
        // a (2, 2) x b (3, 2) over axes (2, 2) -> (2, 3)
        float[] out = merge(layer("m", "Dot", config("axes", List.of(2, 2))), shape(2, 2), new float[] {1, 0, 0, 1},
                shape(3, 2), new float[] {1, 2, 3, 4, 5, 6});
        assertClose(out, 1, 3, 5, 2, 4, 6);
        assertThat(out).hasSize(6);
    }

    @Test
    void dotOverTheFirstAxes() {
        // a (2, 1) and b (2, 2), axes (1, 1): sum over the first axis -> (1, 2)
        float[] out = merge(layer("m", "Dot", config("axes", List.of(1, 1))), shape(2, 1), new float[] {1, 2},
                shape(2, 2), new float[] {1, 2, 3, 4});
        assertClose(out, 7, 10);
    }
}
