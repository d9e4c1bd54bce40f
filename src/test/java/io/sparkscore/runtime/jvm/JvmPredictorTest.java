package io.sparkscore.runtime.jvm;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.UnsupportedLayerException;
import io.sparkscore.runtime.PredictionException;
import io.sparkscore.runtime.PredictionPath;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Random;

import static io.sparkscore.runtime.jvm.Specs.config;
import static io.sparkscore.runtime.jvm.Specs.layer;
import static io.sparkscore.runtime.jvm.Specs.sequential;
import static io.sparkscore.runtime.jvm.Specs.shape;
import static io.sparkscore.runtime.jvm.Specs.tensor;
import static io.sparkscore.runtime.jvm.Specs.wrapper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JvmPredictorTest {

    private static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    /** A model touching most layer families: conv, pooling, normalisation, recurrent, wrappers, dense. */
    private static ModelSpec mixedModel() {
        Random rnd = new Random(7);
        return sequential(shape(8, 3),
                layer("conv", "Conv1D", config("filters", 4, "kernel_size", 3, "padding", "causal",
                                "activation", "relu"),
                        tensor("kernel", shape(3, 3, 4), random(rnd, 36)), tensor("bias", shape(4), random(rnd, 4))),
                layer("pool", "MaxPooling1D", config("pool_size", 2, "padding", "same")),
                layer("ln", "LayerNormalization", config("epsilon", 0.001),
                        tensor("gamma", shape(4), random(rnd, 4)), tensor("beta", shape(4), random(rnd, 4))),
                wrapper("bi", "Bidirectional", config("merge_mode", "concat"),
                        layer("f", "GRU", config("units", 3, "return_sequences", true),
                                tensor("kernel", shape(4, 9), random(rnd, 36)),
                                tensor("recurrent_kernel", shape(3, 9), random(rnd, 27)),
                                tensor("bias", shape(2, 9), random(rnd, 18))),
                        layer("b", "GRU", config("units", 3, "return_sequences", true, "go_backwards", true),
                                tensor("kernel", shape(4, 9), random(rnd, 36)),
                                tensor("recurrent_kernel", shape(3, 9), random(rnd, 27)),
                                tensor("bias", shape(2, 9), random(rnd, 18)))),
                wrapper("td", "TimeDistributed", config(), layer("tdd", "Dense", config("units", 2),
                        tensor("kernel", shape(6, 2), random(rnd, 12)), tensor("bias", shape(2), random(rnd, 2)))),
                layer("flat", "Flatten", config()),
                layer("out", "Dense", config("units", 3, "activation", "softmax"),
                        tensor("kernel", shape(8, 3), random(rnd, 24)), tensor("bias", shape(3), random(rnd, 3))));
    }

    @Test
    void shortLastBatchGivesTheSameRowsAsAFullBatch() {
        JvmModel model = JvmModel.load(mixedModel());
        int in = model.signature().inputSize(0);
        int out = model.signature().outputSize(0);
        float[] x = random(new Random(1), 16 * in);
        float[] full = new float[16 * out];
        float[] partial = new float[16 * out];
        try (JvmPredictor p = model.newPredictor(16)) {
            p.predict(new float[][] {x}, 16, new float[][] {full});
            p.predict(new float[][] {java.util.Arrays.copyOfRange(x, 5 * in, 8 * in)}, 3, new float[][] {partial});
        }
        assertThat(java.util.Arrays.copyOf(partial, 3 * out))
                .containsExactly(java.util.Arrays.copyOfRange(full, 5 * out, 8 * out));
        for (int r = 0; r < 16; r++) {
            assertThat(full[r * out] + full[r * out + 1] + full[r * out + 2]).isCloseTo(1f,
                    org.assertj.core.api.Assertions.within(1e-5f));
        }
    }

    @Test
    void predictAllocatesNothingOnAWarmedPredictor() {
        JvmModel model = JvmModel.load(mixedModel());
        int rows = 32;
        float[][] in = {random(new Random(2), rows * model.signature().inputSize(0))};
        float[][] out = {new float[rows * model.signature().outputSize(0)]};
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        try (JvmPredictor p = model.newPredictor(rows)) {
            for (int i = 0; i < 2000; i++) {
                p.predict(in, rows - i % 3, out);
            }
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 2000; i++) {
                p.predict(in, rows - i % 3, out);
            }
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            assertThat(allocated).as("bytes allocated by 2000 predict calls").isLessThan(4096);
            // The probe itself must see allocations, or the assertion above could never fail.
            long probeBefore = threads.getThreadAllocatedBytes(thread);
            float[][] garbage = new float[64][];
            for (int i = 0; i < garbage.length; i++) {
                garbage[i] = new float[1024];
            }
            assertThat(threads.getThreadAllocatedBytes(thread) - probeBefore).isGreaterThan(64 * 4096);
            assertThat(garbage[63]).hasSize(1024);
        }
    }

    @Test
    void predictorsOfOneModelRunConcurrentlyWithIdenticalResults() throws Exception {
        JvmModel model = JvmModel.load(mixedModel());
        int rows = 8;
        float[] x = random(new Random(3), rows * model.signature().inputSize(0));
        float[] expected = new float[rows * model.signature().outputSize(0)];
        try (JvmPredictor p = model.newPredictor(rows)) {
            p.predict(new float[][] {x}, rows, new float[][] {expected});
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<float[]>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    float[] out = new float[expected.length];
                    try (JvmPredictor p = model.newPredictor(rows)) {
                        for (int i = 0; i < 200; i++) {
                            p.predict(new float[][] {x}, rows, new float[][] {out});
                        }
                    }
                    return out;
                }));
            }
            for (java.util.concurrent.Future<float[]> f : results) {
                assertThat(f.get()).containsExactly(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void denseGivesTheSameRowsWhateverTheBatchSize() {
        // Dense works on blocks of four positions plus a remainder: every batch size must agree row by row.
        Random rnd = new Random(9);
        ModelSpec spec = sequential(shape(3, 5), layer("d", "Dense", config("units", 7, "activation", "tanh"),
                tensor("kernel", shape(5, 7), random(rnd, 35)), tensor("bias", shape(7), random(rnd, 7))));
        JvmModel model = JvmModel.load(spec);
        float[] x = random(rnd, 9 * 15);
        float[] all = new float[9 * 21];
        try (JvmPredictor p = model.newPredictor(9)) {
            p.predict(new float[][] {x}, 9, new float[][] {all});
            for (int r = 0; r < 9; r++) {
                float[] one = new float[21];
                p.predict(new float[][] {java.util.Arrays.copyOfRange(x, r * 15, r * 15 + 15)}, 1,
                        new float[][] {one});
                assertThat(one).containsExactly(java.util.Arrays.copyOfRange(all, r * 21, r * 21 + 21));
            }
        }
    }

    @Test
    void loadedModelReportsItsPathAndSignature() {
        JvmModel model = JvmModel.load(mixedModel());
        assertThat(model.path()).isEqualTo(PredictionPath.JVM);
        assertThat(model.signature().outputShapes()).containsExactly(shape(3));
        assertThat(model.newPredictor(7).batchCapacity()).isEqualTo(7);
    }

    @Test
    void rowsOutsideTheCapacityAreRefused() {
        JvmModel model = JvmModel.load(mixedModel());
        try (JvmPredictor p = model.newPredictor(4)) {
            assertThatThrownBy(() -> p.predict(new float[][] {new float[5 * 24]}, 5, new float[][] {new float[15]}))
                    .isInstanceOf(PredictionException.class)
                    .hasMessage("rows = 5 but this predictor holds 1 to 4 rows per batch; create a predictor with a"
                            + " larger batchCapacity");
            assertThatThrownBy(() -> p.predict(new float[][] {new float[24]}, 2, new float[][] {new float[6]}))
                    .isInstanceOf(PredictionException.class)
                    .hasMessage("input 'test_input' buffer holds 24 floats but 2 rows need 48");
        }
    }

    @Test
    void aClosedPredictorSaysSo() {
        JvmPredictor p = JvmModel.load(mixedModel()).newPredictor(1);
        p.close();
        p.close();
        assertThatThrownBy(() -> p.predict(new float[][] {new float[24]}, 1, new float[][] {new float[3]}))
                .isInstanceOf(PredictionException.class)
                .hasMessage("this JvmPredictor for model 'test' is closed");
    }

    @Test
    void loadRefusesAnUnsupportedOptionNamingLayerAndOption() {
        ModelSpec spec = sequential(shape(4, 4, 1), layer("conv", "Conv2D", config("filters", 1, "kernel_size", 1,
                "data_format", "channels_middle"), tensor("kernel", shape(1, 1, 1, 1), 1)));
        assertThatThrownBy(() -> JvmModel.load(spec))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessage("layer 'conv' (Conv2D): Conv2D with data_format=channels_middle is not supported"
                        + " (expected channels_last or channels_first)");
    }

    @Test
    void supportCheckExplainsEachRefusal() {
        assertThat(JvmSupport.whyUnsupported(layer("d", "Dense", config("units", 1)))).isEmpty();
        assertThat(JvmSupport.whyUnsupported(layer("m", "Masking", config()))).isEmpty();
        assertThat(JvmSupport.whyUnsupported(layer("a", "CustomLayer", config()))).get().asString()
                .startsWith("CustomLayer is not supported on the jvm path (supported: Activation,"
                        + " ActivityRegularization,");
        assertThat(JvmSupport.whyUnsupported(layer("l", "LSTM", config("units", 1, "return_state", true))))
                .contains("LSTM with return_state=true is not supported on the jvm path (a node has one output"
                        + " tensor)");
        assertThat(JvmSupport.whyUnsupported(layer("u", "UpSampling2D", config("interpolation", "bicubic"))))
                .contains("UpSampling2D with interpolation 'bicubic' is not supported; expected nearest or bilinear");
        assertThat(JvmSupport.whyUnsupported(layer("c", "Conv2D", config("padding", "causal"))))
                .contains("Conv2D with padding=causal is not supported on the jvm path");
        var rnn = layer("f", "LSTM", config("units", 1));
        var noMerge = new java.util.HashMap<String, Object>();
        noMerge.put("merge_mode", null);
        assertThat(JvmSupport.whyUnsupported(wrapper("bi", "Bidirectional", noMerge, rnn, rnn)))
                .contains("Bidirectional with merge_mode=None is not supported on the jvm path (it returns two"
                        + " tensors and a node has one output)");
        assertThat(JvmSupport.whyUnsupported(wrapper("td", "TimeDistributed", config(),
                layer("x", "Conv2D", config("data_format", "channels_first")))))
                .contains("TimeDistributed of a channels_first Conv2D is not supported on the jvm path (it runs on"
                        + " the tf path)");
        assertThat(JvmSupport.whyUnsupported(wrapper("td", "TimeDistributed", config(),
                layer("x", "LSTM", config("units", 1, "stateful", true))))).get().asString()
                .startsWith("TimeDistributed wraps a layer the jvm path cannot run: LSTM with stateful=true");
        assertThat(JvmSupport.whyUnsupported(layer("e", "Embedding", config("mask_zero", true)))).isEmpty();
        assertThat(JvmSupport.whyUnsupported(layer("t", "Conv2DTranspose", config("filters", 1, "kernel_size", 2,
                "dilation_rate", 2)))).contains("Conv2DTranspose with dilation_rate other than 1 is not supported"
                + " (nor on the tf path: TensorFlow's CPU kernels do not dilate it)");
        assertThat(JvmSupport.whyUnsupported(layer("d", "Dense", config("units", 1, "dtype",
                java.util.Map.of("class_name", "DTypePolicy", "config", java.util.Map.of("name", "mixed_float16"))))))
                .contains("Dense with dtype policy mixed_float16 is not supported on the jvm path (Keras computes it"
                        + " in half precision; the jvm path computes in float32 and would not reproduce its results)");
        assertThat(JvmSupport.whyUnsupported(layer("d", "Dense", config("units", 1, "dtype", "float32")))).isEmpty();
        assertThat(JvmSupport.whyUnsupported(layer("a", "Activation", config("activation", "bogus"))))
                .get().asString().startsWith("Activation with activation=bogus is not supported on the jvm path");
    }

    @Test
    void wrongWeightShapesAreRefusedAtLoad() {
        ModelSpec spec = sequential(shape(3), layer("d", "Dense", config("units", 2),
                tensor("kernel", shape(2, 2), 1, 2, 3, 4), tensor("bias", shape(2), 0, 0)));
        assertThatThrownBy(() -> JvmModel.load(spec)).isInstanceOf(UnsupportedLayerException.class)
                .hasMessage("layer 'd' (Dense): weight 'kernel' has shape [2, 2] but the config and input shape"
                        + " imply [3, 2]");
    }
}
