package io.sparkscore.runtime;

import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.OpenDimensions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Models with an open time axis ({@code Input(shape=(None, F))}, or {@code (None,)} indices into an Embedding) on
 * both paths: one batch of rows of mixed lengths, grouped by length inside the predictor, gives each row what the
 * same model built with that row's length fixed gives it scored alone (Keras' {@code model.predict(x_row[None])}) —
 * RNNs with and without sequences returned, Bidirectional, Conv1D and pooling over time, global pooling,
 * TimeDistributed and Dense on 3-D tensors, Masking and {@code mask_zero} into RNNs, attention over the time axis.
 * Layers that need the open size as a static one are refused by name.
 */
class VariableLengthLayersTest {

    private static final int ROWS = 12;
    private static final int SPREAD = 4;

    static Stream<Arguments> models() {
        List<Arguments> cases = new ArrayList<>();
        add(cases, "SimpleRNN sequences then GlobalAveragePooling1D", n -> n.chain(n.input("x", -1, 3),
                n.layers().simpleRnn(3, 4, "tanh", true, false), n.layers().globalPooling("Average", 1, false)), 0);
        add(cases, "LSTM", n -> n.chain(n.input("x", -1, 3),
                n.layers().lstm(3, 5, "tanh", "sigmoid", true, false, false)), 0);
        add(cases, "GRU reset_after, go_backwards", n -> n.chain(n.input("x", -1, 3),
                n.layers().gru(3, 4, "tanh", "sigmoid", true, false, true)), 0);
        add(cases, "Bidirectional LSTM concat", n -> n.chain(n.input("x", -1, 3),
                n.layers().bidirectional("concat", n.layers().lstm(3, 2, "tanh", "sigmoid", true, false, false),
                        n.layers().lstm(3, 2, "tanh", "sigmoid", true, false, true))), 0);
        add(cases, "Conv1D valid, MaxPooling1D, GlobalMaxPooling1D", n -> n.chain(n.input("x", -1, 3),
                n.layers().conv(3, 4, new int[] {3}, new int[] {1}, "valid", new int[] {1}, 1, "relu", true),
                n.layers().pooling("Max", new int[] {2}, new int[] {2}, "valid"),
                n.layers().globalPooling("Max", 1, false)), 0);
        add(cases, "TimeDistributed Dense, Dense on 3-D, GlobalAveragePooling1D", n -> n.chain(n.input("x", -1, 3),
                n.layers().timeDistributed(n.layers().dense(3, 4, "relu")), n.layers().dense(4, 2, "tanh"),
                n.layers().globalPooling("Average", 1, false)), 0);
        add(cases, "Masking into LSTM", n -> n.chain(n.input("x", -1, 3), n.layers().masking(0.0),
                n.layers().lstm(3, 3, "tanh", "sigmoid", true, false, false)), 1);
        add(cases, "Embedding mask_zero into GRU", n -> n.chain(n.input("x", -1),
                KerasLayers.withMaskZero(n.layers().embedding(10, 3), true),
                n.layers().gru(3, 3, "tanh", "sigmoid", true, false, false)), 2);
        add(cases, "Masking into GlobalAveragePooling1D", n -> n.chain(n.input("x", -1, 3), n.layers().masking(0.0),
                n.layers().globalPooling("Average", 1, false)), 1);
        add(cases, "self Attention then GlobalAveragePooling1D", n -> {
            String x = n.input("x", -1, 3);
            return n.call(n.layers().globalPooling("Average", 1, false), n.call(n.layers().attention(true, "dot"),
                    x, x));
        }, 0);
        add(cases, "causal self MultiHeadAttention then GlobalMaxPooling1D", n -> {
            String x = n.input("x", -1, 3);
            String a = n.callWith(Map.of("use_causal_mask", true), n.layers().multiHeadAttention(2, 2, null, 3, 3, 3,
                    null, null, true), x, x);
            return n.call(n.layers().globalPooling("Max", 1, false), a);
        }, 0);
        return cases.stream();
    }

    /** @param values 0: random; 1: random with zero (masked) steps; 2: indices 0..9, zeros masked */
    private static void add(List<Arguments> cases, String name, Function<RandomNet, String> body, int values) {
        for (PredictionPath path : PredictionPath.values()) {
            cases.add(Arguments.of(name, path, body, values));
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("models")
    void mixedLengthsInOneBatchScoreAsEachRowAlone(String name, PredictionPath path, Function<RandomNet, String> body,
                                                   int values) {
        RandomNet net = new RandomNet("open_" + name.hashCode(), 7);
        ModelSpec spec = net.build(body.apply(net));
        int step = spec.inputs().get(0).shape().length == 1 ? 1 : 3;
        int min = OpenDimensions.minimumLength(spec, 32);
        Random random = new Random(name.hashCode());
        float[][] rows = new float[ROWS][];
        for (int r = 0; r < ROWS; r++) {
            int t = min + random.nextInt(SPREAD + 1);
            rows[r] = new float[t * step];
            for (int k = 0; k < rows[r].length; k++) {
                rows[r][k] = values == 2 ? random.nextInt(10) : (float) random.nextGaussian();
            }
            if (values == 1 && t > 1) {
                java.util.Arrays.fill(rows[r], (t - 1) * step, t * step, 0f); // a masked last step
                if (t > 2 && r % 2 == 0) {
                    java.util.Arrays.fill(rows[r], 0, step, 0f); // and a masked first one
                }
            }
        }
        int[][] starts = {new int[ROWS + 1]};
        for (int r = 0; r < ROWS; r++) {
            starts[0][r + 1] = starts[0][r] + rows[r].length;
        }
        float[] packed = new float[starts[0][ROWS]];
        for (int r = 0; r < ROWS; r++) {
            System.arraycopy(rows[r], 0, packed, starts[0][r], rows[r].length);
        }
        float[][] grouped;
        try (LoadedModel open = PredictionPaths.load(spec, path, RuntimeOptions.singleThreaded());
             Predictor p = open.newPredictor(ROWS)) {
            assertThat(open).isInstanceOf(OpenLengthModel.class);
            int size = open.signature().outputSize(0);
            grouped = new float[][] {new float[ROWS * size]};
            p.predict(new float[][] {packed}, starts, ROWS, grouped);
            assertThat(((OpenLengthModel) open).lengthsBuilt()).isGreaterThan(1);
        }
        for (int r = 0; r < ROWS; r++) {
            ModelSpec fixed = OpenDimensions.withLengths(spec, new int[] {rows[r].length / step});
            try (LoadedModel alone = PredictionPaths.load(fixed, path, RuntimeOptions.singleThreaded());
                 Predictor p = alone.newPredictor(1)) {
                int size = alone.signature().outputSize(0);
                float[][] out = {new float[size]};
                p.predict(new float[][] {rows[r]}, 1, out);
                for (int k = 0; k < size; k++) {
                    float expected = out[0][k];
                    assertThat(grouped[0][r * size + k]).as("row %d (%d steps), value %d", r,
                            rows[r].length / step, k).isCloseTo(expected,
                            org.assertj.core.api.Assertions.within(1e-6f + 1e-6f * Math.abs(expected)));
                }
            }
        }
    }

    @Test
    void layersThatNeedTheOpenSizeAsAStaticOneAreRefusedByName() {
        RandomNet flat = new RandomNet("flat", 1);
        ModelSpec flatten = flat.build(flat.chain(flat.input("x", -1, 3), flat.layers().flatten(),
                flat.layers().dense(6, 1, "linear")));
        assertThatThrownBy(() -> ModelSignature.of(flatten)).isInstanceOf(ModelException.class)
                .hasMessageContaining("dense").hasMessageContaining("(Dense)")
                .hasMessageContaining("last axis follows the input sequence length");
        assertThat(PredictionPaths.unsupportedPaths(flatten)).containsOnlyKeys(PredictionPath.values());

        RandomNet shaped = new RandomNet("shaped", 1);
        ModelSpec reshape = shaped.build(shaped.chain(shaped.input("x", -1, 4), shaped.layers().reshape(2, 8),
                shaped.layers().globalPooling("Average", 1, false)));
        assertThatThrownBy(() -> ModelSignature.of(reshape)).hasMessageContaining("(Reshape)")
                .hasMessageContaining("fixed target_shape (2, 8)");

        RandomNet seq = new RandomNet("seq_out", 1);
        ModelSpec sequences = seq.build(seq.chain(seq.input("x", -1, 3),
                seq.layers().simpleRnn(3, 2, "tanh", true, false)));
        assertThatThrownBy(() -> ModelSignature.of(sequences)).hasMessageContaining("model output")
                .hasMessageContaining("(None, 2)").hasMessageContaining("fixed-size prediction columns");

        RandomNet two = new RandomNet("two_open", 1);
        ModelSpec twoOpen = two.build(two.chain(two.input("x", -1, -1, 3),
                two.layers().globalPooling("Average", 2, false)));
        assertThatThrownBy(() -> ModelSignature.of(twoOpen)).hasMessageContaining("2 open dimensions");
    }

    @Test
    void reshapeWithMinusOneFollowsTheLength() {
        RandomNet net = new RandomNet("reshape_open", 2);
        ModelSpec spec = net.build(net.chain(net.input("x", -1, 4), net.layers().reshape(-1, 2),
                net.layers().globalPooling("Average", 1, false)));
        try (LoadedModel open = PredictionPaths.load(spec, PredictionPath.JVM, RuntimeOptions.singleThreaded());
             Predictor p = open.newPredictor(2)) {
            float[][] out = {new float[4]};
            // rows of 1 and 2 steps: the means of their pairs
            p.predict(new float[][] {{1, 2, 3, 4, 1, 1, 3, 3, 5, 5, 7, 7}}, new int[][] {{0, 4, 12}}, 2, out);
            assertThat(out[0]).containsExactly(2, 3, 4, 4);
        }
    }
}
