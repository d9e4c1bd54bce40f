package io.sparkscore.runtime.jvm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sparkscore.runtime.jvm.Specs.assertClose;
import static io.sparkscore.runtime.jvm.Specs.config;
import static io.sparkscore.runtime.jvm.Specs.layer;
import static io.sparkscore.runtime.jvm.Specs.run;
import static io.sparkscore.runtime.jvm.Specs.shape;
import static io.sparkscore.runtime.jvm.Specs.tensor;

class ElementwiseAndShapeLayersTest {

    @Test
    void leakyReluDefaultsToKerasLayerSlope03AndReadsBothSpellings() {
        assertClose(run(shape(2), layer("l", "LeakyReLU", config()), -1, 2), -0.3, 2);
        assertClose(run(shape(1), layer("l", "LeakyReLU", config("alpha", 0.1)), -1), -0.1);
        assertClose(run(shape(1), layer("l", "LeakyReLU", config("negative_slope", 0.2)), -1), -0.2);
    }

    @Test
    void reluLayerWithMaxValueSlopeAndThreshold() {
        var relu = layer("r", "ReLU", config("max_value", 6.0, "negative_slope", 0.1, "threshold", 1.0));
        // x >= 6 -> 6; 1 < x < 6 -> x; below threshold -> 0.1 * (x - 1)
        assertClose(run(shape(4), relu, 8, 3, 0, -1), 6, 3, -0.1, -0.2);
        assertClose(run(shape(2), layer("r", "ReLU", config()), -1, 2), 0, 2);
    }

    @Test
    void eluAndThresholdedRelu() {
        assertClose(run(shape(2), layer("e", "ELU", config("alpha", 2.0)), -1, 1), 2 * (Math.exp(-1) - 1), 1);
        assertClose(run(shape(2), layer("t", "ThresholdedReLU", config("theta", 1.0)), 1, 1.5f), 0, 1.5);
    }

    @Test
    void preluBroadcastsItsSlopesOverSharedAxes() {
        // input (2, 2), shared_axes [1] -> alpha shape (1, 2): one slope per channel
        var prelu = layer("p", "PReLU", config("shared_axes", List.of(1)), tensor("alpha", shape(1, 2), 0.5f, 2));
        assertClose(run(shape(2, 2), prelu, -1, -1, -2, 3), -0.5, -2, -1, 3);
    }

    @Test
    void softmaxLayerOnAxis1OfA3dTensorNormalisesDownTheColumns() {
        // (2, 2) per row; axis 1 is the first non-batch axis: softmax over (x[0][j], x[1][j]) for each j
        var softmax = layer("s", "Softmax", config("axis", 1));
        double a = 1 / (1 + Math.exp(2));
        assertClose(run(shape(2, 2), softmax, 0, 1, 2, 1), a, 0.5, 1 - a, 0.5);
    }

    @Test
    void softmaxLayerOverAListOfAxes() {
        var softmax = layer("s", "Softmax", config("axis", List.of(-2, -1)));
        assertClose(run(shape(2, 1), softmax, 0, 0), 0.5, 0.5);
    }

    @Test
    void reshapeWithMinusOnePermuteAndRepeatVector() {
        assertClose(run(shape(4), layer("r", "Reshape", config("target_shape", List.of(-1, 2))), 1, 2, 3, 4),
                1, 2, 3, 4);
        // (2, 3) permuted (2, 1) -> (3, 2): transpose
        assertClose(run(shape(2, 3), layer("p", "Permute", config("dims", List.of(2, 1))), 1, 2, 3, 4, 5, 6),
                1, 4, 2, 5, 3, 6);
        assertClose(run(shape(2), layer("r", "RepeatVector", config("n", 3)), 1, 2), 1, 2, 1, 2, 1, 2);
    }

    @Test
    void activationLayerWithGeluAndLogSoftmax() {
        assertClose(run(shape(1), layer("a", "Activation", config("activation", "gelu")), 1),
                0.5 * (1 + 0.6826894921370859));
        assertClose(run(shape(2), layer("a", "Activation", config("activation", "log_softmax")), 0, 0),
                -Math.log(2), -Math.log(2));
    }
}
