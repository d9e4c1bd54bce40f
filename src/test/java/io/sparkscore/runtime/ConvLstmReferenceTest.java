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
 * ConvLSTM1D against values computed by hand from Keras' cell equations, on each path: one filter, a kernel of 2
 * with 'same' padding over 2 positions (so the second position's window reaches past the end, which 'same' pads
 * with zero), two steps.
 */
class ConvLstmReferenceTest {

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void twoStepsOfOneFilter(PredictionPath path) {
        // kernel (2, 1, 4): tap 0 weights (i, f, c, o) = (1, 1, 1, 1), tap 1 = (0.5, 0.5, 0.5, 0.5)
        // recurrent kernel (2, 1, 4): tap 0 = (0.2, 0.2, 0.2, 0.2), tap 1 = 0; bias (0, 1, 0, 0)
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("kernel", new Tensor("kernel", new int[] {2, 1, 4}, new float[] {1, 1, 1, 1, 0.5f, 0.5f, 0.5f, 0.5f}));
        w.put("recurrent_kernel", new Tensor("recurrent_kernel", new int[] {2, 1, 4},
                new float[] {0.2f, 0.2f, 0.2f, 0.2f, 0, 0, 0, 0}));
        w.put("bias", new Tensor("bias", new int[] {4}, new float[] {0, 1, 0, 0}));
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("filters", 1);
        c.put("kernel_size", List.of(2));
        c.put("padding", "same");
        c.put("activation", "tanh");
        c.put("recurrent_activation", "sigmoid");
        c.put("return_sequences", true);
        LayerSpec layer = new LayerSpec("cl", "ConvLSTM1D", new LayerConfig("cl", "ConvLSTM1D", c), w);
        ModelSpec spec = new ModelSpec("m", "programmatic", "3.6.0", List.of(new InputSpec("x", new int[] {2, 2, 1},
                "float32")), List.of(layer), List.of(new NodeSpec("cl", "cl", List.of("x"))), List.of("cl"));
        // steps: t0 = (1, 2), t1 = (-1, 0) at positions (p0, p1)
        float[] x = {1, 2, -1, 0};
        float[] out;
        try (LoadedModel model = PredictionPaths.load(spec, path, RuntimeOptions.singleThreaded())) {
            out = ParityRuns.predict(model, new ParityRuns.Batch(1, new float[][] {x}), 1)[0];
        }
        // 'same' with kernel 2 pads one zero at the end: position p reads x[p] (tap 0) and x[p + 1] (tap 1)
        double[][] steps = {{1, 2}, {-1, 0}};
        double[] h = new double[2];
        double[] cell = new double[2];
        double[] expected = new double[4];
        for (int t = 0; t < 2; t++) {
            double[] hPrev = h.clone();
            for (int p = 0; p < 2; p++) {
                double input = steps[t][p] + 0.5 * (p + 1 < 2 ? steps[t][p + 1] : 0);
                double recurrent = 0.2 * hPrev[p];
                double z = input + recurrent;
                double i = sigmoid(z);
                double f = sigmoid(z + 1);
                double g = Math.tanh(z);
                double o = sigmoid(z);
                cell[p] = f * cell[p] + i * g;
                h[p] = o * Math.tanh(cell[p]);
                expected[t * 2 + p] = h[p];
            }
        }
        for (int k = 0; k < 4; k++) {
            assertThat((double) out[k]).as("output %s of %s", k, java.util.Arrays.toString(out))
                    .isCloseTo(expected[k], within(1e-6));
        }
    }
}
