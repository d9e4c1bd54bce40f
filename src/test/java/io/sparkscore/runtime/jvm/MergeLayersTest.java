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
import static io.sparkscore.runtime.jvm.Specs.shape;
import static io.sparkscore.runtime.jvm.Specs.tensor;
import static org.assertj.core.api.Assertions.assertThat;

class MergeLayersTest {

    /** Applies a two-input layer to inputs a and b, one row. */
    private static float[] merge(LayerSpec layer, int[] shapeA, float[] a, int[] shapeB, float[] b) {
        ModelSpec spec = new ModelSpec("merge", "programmatic", "3",
                List.of(new InputSpec("a", shapeA, "float32"), new InputSpec("b", shapeB, "float32")),
                List.of(layer), List.of(new NodeSpec("out", layer.name(), List.of("a", "b"))), List.of("out"));
        JvmModel model = JvmModel.load(spec);
        float[] out = new float[model.signature().outputSize(0)];
        try (JvmPredictor p = model.newPredictor(1)) {
            p.predict(new float[][] {a, b}, 1, new float[][] {out});
        }
        return out;
    }

    private static float[] elementwise(String cls) {
        return merge(layer("m", cls, config()), shape(2), new float[] {1, 5}, shape(2), new float[] {3, 2});
    }

    @Test
    void elementwiseMerges() {
        assertClose(elementwise("Add"), 4, 7);
        assertClose(elementwise("Subtract"), -2, 3);
        assertClose(elementwise("Multiply"), 3, 10);
        assertClose(elementwise("Average"), 2, 3.5);
        assertClose(elementwise("Maximum"), 3, 5);
        assertClose(elementwise("Minimum"), 1, 2);
    }

    @Test
    void elementwiseMergeBroadcastsADimensionOfOne() {
        assertClose(merge(layer("m", "Add", config()), shape(2, 2), new float[] {1, 2, 3, 4}, shape(1, 2),
                new float[] {10, 20}), 11, 22, 13, 24);
        // (2,) against (2, 2): the vector becomes (1, 2) and is added to each row
        assertClose(merge(layer("m", "Multiply", config()), shape(2), new float[] {2, 3}, shape(2, 2),
                new float[] {1, 2, 3, 4}), 2, 6, 6, 12);
    }

    @Test
    void concatenateOnTheLastAndOnTheFirstAxis() {
        assertClose(merge(layer("c", "Concatenate", config("axis", -1)), shape(2, 1), new float[] {1, 2},
                shape(2, 2), new float[] {3, 4, 5, 6}), 1, 3, 4, 2, 5, 6);
        assertClose(merge(layer("c", "Concatenate", config("axis", 1)), shape(1, 2), new float[] {1, 2},
                shape(2, 2), new float[] {3, 4, 5, 6}), 1, 2, 3, 4, 5, 6);
    }

    @Test
    void dotOfVectorsAndItsNormalisedCosine() {
        assertClose(merge(layer("d", "Dot", config("axes", 1)), shape(2), new float[] {1, 2}, shape(2),
                new float[] {3, 4}), 11);
        assertClose(merge(layer("d", "Dot", config("axes", 1, "normalize", true)), shape(2), new float[] {1, 2},
                shape(2), new float[] {3, 4}), 11 / (Math.sqrt(5) * 5));
    }

    @Test
    void dotOfMatricesOverTheLastAndOverTheFirstAxis() {
        float[] a = {1, 2, 3, 4, 5, 6};
        assertClose(merge(layer("d", "Dot", config("axes", List.of(2, 2))), shape(2, 3), a, shape(2, 3),
                new float[] {1, 0, 0, 0, 1, 1}), 1, 5, 4, 11);
        assertClose(merge(layer("d", "Dot", config("axes", List.of(1, 1))), shape(2, 3), a, shape(2, 2),
                new float[] {1, 0, 0, 1}), 1, 4, 2, 5, 3, 6);
    }

    @Test
    void multiInputMultiOutputGraphWithASharedLayer() {
        // shared Dense applied to both inputs, summed; a second head reads the second application only
        var shared = layer("shared", "Dense", config("units", 2), tensor("kernel", shape(2, 2), 1, 0, 0, 2),
                tensor("bias", shape(2), 1, 1));
        var add = layer("add", "Add", config());
        var head = layer("head", "Dense", config("units", 1, "use_bias", false), tensor("kernel", shape(2, 1), 1, 1));
        ModelSpec spec = new ModelSpec("graph", "programmatic", "3",
                List.of(new InputSpec("a", shape(2), "float32"), new InputSpec("b", shape(2), "float32")),
                List.of(shared, add, head),
                List.of(new NodeSpec("sa", "shared", List.of("a")), new NodeSpec("sb", "shared", List.of("b")),
                        new NodeSpec("sum", "add", List.of("sa", "sb")), new NodeSpec("h", "head", List.of("sb"))),
                List.of("sum", "h"));
        JvmModel model = JvmModel.load(spec);
        assertThat(model.signature().outputShapes()).containsExactly(shape(2), shape(1));
        float[] sum = new float[4];
        float[] h = new float[2];
        try (JvmPredictor p = model.newPredictor(2)) {
            p.predict(new float[][] {{1, 2, 3, 4}, {5, 6, 7, 8}}, 2, new float[][] {sum, h});
        }
        // row 0: sa = [2, 5], sb = [6, 13]; row 1: sa = [4, 9], sb = [8, 17]
        assertClose(sum, 8, 18, 12, 26);
        assertClose(h, 19, 25);
    }
}
