package io.sparkscore.runtime.tf;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.UnsupportedLayerException;
import io.sparkscore.runtime.PredictionException;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.Predictor;
import io.sparkscore.runtime.RuntimeOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.sparkscore.runtime.tf.TfTesting.assertClose;
import static io.sparkscore.runtime.tf.TfTesting.config;
import static io.sparkscore.runtime.tf.TfTesting.layer;
import static io.sparkscore.runtime.tf.TfTesting.sequential;
import static io.sparkscore.runtime.tf.TfTesting.shape;
import static io.sparkscore.runtime.tf.TfTesting.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TfModelTest {

    /** 3 inputs -> 2 relu units -> 1 sigmoid unit. */
    private static ModelSpec tinyMlp() {
        return sequential(shape(3),
                layer("hidden", "Dense", config("units", 2, "activation", "relu", "use_bias", true),
                        tensor("kernel", shape(3, 2), 1, -1, 2, 0.5f, -1, 1),
                        tensor("bias", shape(2), 0.5f, -0.25f)),
                layer("drop", "Dropout", config("rate", 0.5)),
                layer("out", "Dense", config("units", 1, "activation", "sigmoid"),
                        tensor("kernel", shape(2, 1), 1, -2),
                        tensor("bias", shape(1), 0.1f)));
    }

    private static float[] expectedTinyMlp(float a, float b, float c) {
        float h0 = Math.max(0, a + 2 * b - c + 0.5f);
        float h1 = Math.max(0, -a + 0.5f * b + c - 0.25f);
        return new float[] {(float) (1 / (1 + Math.exp(-(h0 - 2 * h1 + 0.1f))))};
    }

    @Test
    void scoresADenseChainLikeKeras() {
        float[] out = TfTesting.predict(tinyMlp(), 2, 1, 2, 3, -1, 0.5f, 0);
        assertClose(out, expectedTinyMlp(1, 2, 3)[0], expectedTinyMlp(-1, 0.5f, 0)[0]);
    }

    @Test
    void signatureComesFromInputsAndTheGraphsOutputShapes() {
        try (TfModel model = TfModel.load(tinyMlp(), RuntimeOptions.singleThreaded())) {
            assertThat(model.path()).isEqualTo(PredictionPath.TF);
            assertThat(model.signature().inputNames()).containsExactly("test_input");
            assertThat(model.signature().inputShapes()).containsExactly(new int[] {3});
            assertThat(model.signature().outputNames()).containsExactly("out");
            assertThat(model.signature().outputShapes()).containsExactly(new int[] {1});
        }
    }

    @Test
    void shortLastBatchGivesTheSameRowsWithoutRebuilding() {
        float[] rows = {1, 2, 3, -1, 0.5f, 0, 0, 0, 1, 4, -2, 1};
        try (TfModel model = TfModel.load(tinyMlp(), RuntimeOptions.singleThreaded());
             Predictor p = model.newPredictor(4)) {
            var graph = model.graph();
            var session = model.session();
            float[] full = new float[4];
            p.predict(new float[][] {rows}, 4, new float[][] {full});
            float[] shortOut = {-7, -7, -7, -7};
            float[] lastTwo = java.util.Arrays.copyOfRange(rows, 6, 12);
            p.predict(new float[][] {lastTwo}, 2, new float[][] {shortOut});

            assertThat(shortOut[0]).isEqualTo(full[2]);
            assertThat(shortOut[1]).isEqualTo(full[3]);
            assertThat(shortOut[2]).as("rows beyond the batch are left alone").isEqualTo(-7);
            assertThat(model.graph()).isSameAs(graph);
            assertThat(model.session()).isSameAs(session);
        }
    }

    @Test
    void appliesTheIntraOpThreadSetting() {
        try (TfModel model = TfModel.load(tinyMlp(), new RuntimeOptions(3))) {
            assertThat(model.sessionConfig().getIntraOpParallelismThreads()).isEqualTo(3);
            assertThat(model.sessionConfig().getInterOpParallelismThreads()).isEqualTo(TfModel.RUN_IN_CALLER_THREAD);
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseSaysClosed() {
        TfModel model = TfModel.load(tinyMlp(), RuntimeOptions.singleThreaded());
        Predictor p = model.newPredictor(1);
        model.close();
        model.close();
        assertThatThrownBy(() -> p.predict(new float[][] {{1, 2, 3}}, 1, new float[][] {new float[1]}))
                .isInstanceOf(PredictionException.class)
                .hasMessage("TensorFlow model 'test' (" + model.spec().shortHash() + ") is closed; it was shut down"
                        + " or evicted, load it again to score more rows");
        assertThatThrownBy(() -> model.newPredictor(1)).isInstanceOf(PredictionException.class)
                .hasMessageContaining("is closed");
    }

    @Test
    void twoThreadsSharingOneModelGetIdenticalResults() throws Exception {
        int rows = 64;
        float[] in = new float[rows * 3];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) Math.sin(i * 0.37);
        }
        try (TfModel model = TfModel.load(tinyMlp(), new RuntimeOptions(2))) {
            float[] reference = new float[rows];
            try (Predictor p = model.newPredictor(rows)) {
                p.predict(new float[][] {in}, rows, new float[][] {reference});
            }
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<float[]>> results = pool.invokeAll(List.of(() -> scoreRepeatedly(model, in, rows),
                        () -> scoreRepeatedly(model, in, rows)));
                for (Future<float[]> f : results) {
                    assertThat(f.get()).containsExactly(reference);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static float[] scoreRepeatedly(TfModel model, float[] in, int rows) {
        float[] out = new float[rows];
        try (Predictor p = model.newPredictor(rows)) {
            for (int k = 0; k < 50; k++) {
                p.predict(new float[][] {in}, rows, new float[][] {out});
            }
        }
        return out;
    }

    @Test
    void multiInputMultiOutputGraphWithASharedLayer() {
        LayerSpec shared = layer("shared", "Dense", config("units", 1, "activation", "linear"),
                tensor("kernel", shape(2, 1), 2, 3), tensor("bias", shape(1), 1));
        LayerSpec act = layer("act", "Activation", config("activation", "relu"));
        ModelSpec spec = new ModelSpec("two", "programmatic", "3",
                List.of(new InputSpec("a", shape(2), "float32"), new InputSpec("b", shape(2), "float32")),
                List.of(shared, act),
                List.of(new NodeSpec("shared_a", "shared", List.of("a")),
                        new NodeSpec("shared_b", "shared", List.of("b")),
                        new NodeSpec("act_b", "act", List.of("shared_b"))),
                List.of("act_b", "shared_a"));
        try (TfModel model = TfModel.load(spec, RuntimeOptions.singleThreaded());
             Predictor p = model.newPredictor(2)) {
            float[] outB = new float[2];
            float[] outA = new float[2];
            p.predict(new float[][] {{1, 1, -1, 2}, {-1, -1, 0, 1}}, 2, new float[][] {outB, outA});
            assertClose(outA, 6, 5);
            assertClose(outB, 0, 4);
        }
    }

    @Test
    void refusesAnUnsupportedLayerBeforeBuildingAnything() {
        ModelSpec spec = sequential(shape(2), layer("mystery", "Lambda", config()));
        assertThatThrownBy(() -> TfModel.load(spec, RuntimeOptions.singleThreaded()))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessageStartingWith("layer 'mystery' (Lambda): layer class 'Lambda' is not supported on the tf"
                        + " path; supported classes: ");
    }

    @Test
    void rejectsBatchesLargerThanTheCapacity() {
        try (TfModel model = TfModel.load(tinyMlp(), RuntimeOptions.singleThreaded());
             Predictor p = model.newPredictor(2)) {
            assertThatThrownBy(() -> p.predict(new float[][] {new float[9]}, 3, new float[][] {new float[3]}))
                    .isInstanceOf(PredictionException.class)
                    .hasMessage("asked to score 3 rows but this predictor takes 1..2 rows per batch; split the batch"
                            + " or create a predictor with a larger capacity");
        }
    }
}
