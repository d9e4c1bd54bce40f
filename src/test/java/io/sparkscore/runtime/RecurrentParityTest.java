package io.sparkscore.runtime;

import io.sparkscore.model.Activation;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.sparkscore.runtime.RandomModelParity.Case;
import static io.sparkscore.runtime.RandomModelParity.SMALL_BATCH;
import static io.sparkscore.runtime.RandomModelParity.TOLERANCE;
import static io.sparkscore.runtime.RandomModelParity.args;
import static io.sparkscore.runtime.RandomModelParity.model;
import static io.sparkscore.runtime.RandomModelParity.net;
import static io.sparkscore.runtime.RandomModelParity.record;
import static io.sparkscore.runtime.RandomModelParity.roundTrip;
import static io.sparkscore.runtime.RandomModelParity.scaled;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random-model parity, simpleRNN, LSTM and GRU (with their options and initial states), Bidirectional and
 * TimeDistributed, and Keras masks into RNNs. Each seeded model takes the route a user's model takes (written as a
 * Keras 3 {@code .keras} archive, read back, loaded on both paths); see {@link RandomModelParity} for what agreeing
 * means.
 */
class RecurrentParityTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @MethodSource({"recurrent", "recurrentActivations", "wrappers", "maskedSequences"})
    void bothPathsAgreeAfterAKerasRoundTrip(Case c) {
        RandomModelParity.check(tmp, c);
    }

    static Stream<Arguments> recurrent() {
        return args(
                model("SimpleRNN last output", n -> rnn(n, l -> l.simpleRnn(3, 4, "tanh", false, false))),
                model("SimpleRNN go_backwards with return_sequences", n ->
                        rnn(n, l -> l.simpleRnn(3, 4, "tanh", true, true))),
                model("SimpleRNN go_backwards, last output", n ->
                        rnn(n, l -> l.simpleRnn(3, 4, "tanh", false, true))),
                model("SimpleRNN relu with return_sequences", n -> rnn(n, l -> l.simpleRnn(3, 4, "relu", true, false))),
                model("LSTM with return_sequences", n ->
                        rnn(n, l -> l.lstm(3, 4, "tanh", "sigmoid", true, true, false))),
                model("LSTM go_backwards, hard_sigmoid, no bias", n ->
                        rnn(n, l -> l.lstm(3, 4, "tanh", "hard_sigmoid", false, false, true))),
                model("LSTM with Keras 2 hard_sigmoid and relu", n ->
                        rnn(n, l -> l.lstm(3, 4, "relu", "hard_sigmoid_keras2", true, true, false))),
                model("GRU reset_after=true, last output", n ->
                        rnn(n, l -> l.gru(3, 4, "tanh", "sigmoid", true, false, false))),
                model("GRU reset_after=false with return_sequences", n ->
                        rnn(n, l -> l.gru(3, 4, "tanh", "sigmoid", false, true, false))),
                model("GRU reset_after=true go_backwards with return_sequences", n ->
                        rnn(n, l -> l.gru(3, 4, "tanh", "sigmoid", true, true, true))),
                model("GRU reset_after=false go_backwards, hard_sigmoid_keras2", n ->
                        rnn(n, l -> l.gru(3, 4, "softsign", "hard_sigmoid_keras2", false, false, true))),
                model("LSTM, GRU, SimpleRNN stacked", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 6, 3);
                    return n.build(n.chain(x, l.lstm(3, 5, "tanh", "sigmoid", true, true, false),
                            l.gru(5, 4, "tanh", "sigmoid", true, true, false),
                            l.simpleRnn(4, 3, "tanh", false, false)));
                }));
    }

    static Stream<Arguments> recurrentActivations() {
        List<Case> cases = new ArrayList<>();
        for (Activation a : Activation.values()) {
            cases.add(model("SimpleRNN(activation=" + a.specName() + ") over 3 steps", n -> {
                String x = n.input("x", 3, 2);
                return n.build(n.call(n.layers().simpleRnn(2, 3, a.specName(), true, false), x));
            }));
            cases.add(model("LSTM(recurrent_activation=" + a.specName() + ") over 3 steps", n -> {
                String x = n.input("x", 3, 2);
                return n.build(n.call(n.layers().lstm(2, 3, "tanh", a.specName(), true, true, false), x));
            }));
        }
        cases.add(model("LSTM over a single step", n -> {
            String x = n.input("x", 1, 3);
            return n.build(n.call(n.layers().lstm(3, 4, "tanh", "sigmoid", true, true, false), x));
        }));
        cases.add(scaled("GRU on large inputs (saturated gates)", 6, n -> {
            String x = n.input("x", 6, 3);
            return n.build(n.call(n.layers().gru(3, 4, "tanh", "sigmoid", true, true, false), x));
        }));
        return args(cases);
    }

    private static ModelSpec rnn(RandomNet n, Function<KerasLayers, LayerSpec> layer) {
        String x = n.input("x", 6, 3);
        return n.build(n.call(layer.apply(n.layers()), x));
    }

    static Stream<Arguments> wrappers() {
        return args(
                model("Bidirectional(LSTM) merge concat with return_sequences", n -> bidi(n, "concat",
                        (l, back) -> l.lstm(3, 4, "tanh", "sigmoid", true, true, back))),
                model("Bidirectional(GRU reset_after) merge sum", n -> bidi(n, "sum",
                        (l, back) -> l.gru(3, 4, "tanh", "sigmoid", true, false, back))),
                model("Bidirectional(SimpleRNN) merge mul with return_sequences", n -> bidi(n, "mul",
                        (l, back) -> l.simpleRnn(3, 4, "tanh", true, back))),
                model("Bidirectional(LSTM) merge ave", n -> bidi(n, "ave",
                        (l, back) -> l.lstm(3, 4, "tanh", "sigmoid", true, false, back))),
                model("Bidirectional(GRU reset_after=false) merge concat with return_sequences", n -> bidi(n,
                        "concat", (l, back) -> l.gru(3, 2, "tanh", "sigmoid", false, true, back))),
                model("Bidirectional(LSTM) whose forward layer runs backwards", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 5, 3);
                    return n.build(n.call(l.bidirectional("concat", l.lstm(3, 3, "tanh", "sigmoid", true, true, true),
                            l.lstm(3, 3, "tanh", "sigmoid", true, true, false)), x));
                }),
                model("Bidirectional with a backward SimpleRNN of other units, merge concat", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 5, 3);
                    return n.build(n.call(l.bidirectional("concat", l.simpleRnn(3, 4, "tanh", true, false),
                            l.simpleRnn(3, 2, "relu", true, true)), x));
                }),
                model("TimeDistributed(Flatten) on (3, 2, 4)", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 3, 2, 4);
                    return n.build(n.call(l.timeDistributed(l.flatten()), x));
                }),
                model("TimeDistributed(MaxPooling1D) on (3, 6, 2)", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 3, 6, 2);
                    return n.build(n.call(l.timeDistributed(l.pooling("Max", new int[] {2}, null, "valid")), x));
                }),
                model("TimeDistributed(Conv2D) on (2, 5, 5, 2)", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 2, 5, 5, 2);
                    return n.build(n.call(l.timeDistributed(l.conv(2, 3, new int[] {3, 3}, new int[] {1, 1},
                            "same", new int[] {1, 1}, 1, "relu", true)), x));
                }),
                model("TimeDistributed(BatchNormalization) on (4, 3)", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 4, 3);
                    return n.build(n.call(l.timeDistributed(l.batchNormalization(-1, 3, true, true)), x));
                }),
                model("TimeDistributed(Embedding) on (3, 4) indices", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 3, 4);
                    return n.build(n.call(l.timeDistributed(l.embedding(6, 2)), x));
                }),
                model("TimeDistributed(Dense)", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 5, 4);
                    return n.build(n.call(l.timeDistributed(l.dense(4, 3, "relu")), x));
                }),
                model("TimeDistributed(Conv1D) on (3, 6, 2)", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 3, 6, 2);
                    return n.build(n.call(l.timeDistributed(l.conv(2, 3, new int[] {2}, new int[] {1}, "same",
                            new int[] {1}, 1, "tanh", true)), x));
                }),
                model("TimeDistributed(Dense) after LSTM sequences", n -> {
                    KerasLayers l = n.layers();
                    String x = n.input("x", 5, 3);
                    return n.build(n.chain(x, l.lstm(3, 4, "tanh", "sigmoid", true, true, false),
                            l.timeDistributed(l.dense(4, 2, "sigmoid"))));
                }));
    }

    @FunctionalInterface
    private interface RecurrentRecipe {
        LayerSpec make(KerasLayers layers, boolean goBackwards);
    }

    /**
     * Keras masks whose effect the shorter-row check below cannot see (returned sequences, stacked RNNs, merged
     * masks): both paths on the same rows. A ReLU before Masking(0) masks the steps whose features are all <= 0
     * (about a quarter of the random steps); a vocabulary of 3 makes index 0, which mask_zero masks, common.
     */
    static Stream<Arguments> maskedSequences() {
        return args(
                model("ReLU, Masking, LSTM sequences, GRU (a returned sequence keeps the mask)", n -> {
                    KerasLayers l = n.layers();
                    return n.build(n.chain(n.input("x", 7, 2), l.activation("relu"), l.masking(0.0),
                            l.lstm(2, 3, "tanh", "sigmoid", true, true, false),
                            l.gru(3, 2, "tanh", "sigmoid", true, false, false)));
                }),
                model("ReLU, Masking, SimpleRNN go_backwards sequences", n -> {
                    KerasLayers l = n.layers();
                    return n.build(n.chain(n.input("x", 7, 2), l.activation("relu"), l.masking(0.0),
                            l.simpleRnn(2, 3, "tanh", true, true)));
                }),
                model("ReLU, Masking, Bidirectional(LSTM) concat sequences (zeros at masked steps)", n -> {
                    KerasLayers l = n.layers();
                    return n.build(n.chain(n.input("x", 7, 2), l.activation("relu"), l.masking(0.0),
                            l.bidirectional("concat", l.lstm(2, 3, "tanh", "sigmoid", true, true, false),
                                    l.lstm(2, 3, "tanh", "sigmoid", true, true, true))));
                }),
                model("two masked inputs, Add, LSTM (Keras 3: a step is kept where either keeps it)", n -> {
                    KerasLayers l = n.layers();
                    String a = n.chain(n.input("a", 6, 2), l.activation("relu"), l.masking(0.0));
                    String b = n.chain(n.input("b", 6, 2), l.activation("relu"), l.masking(0.0));
                    return n.build(n.chain(n.call(l.merge("Add"), a, b),
                            l.lstm(2, 3, "tanh", "sigmoid", true, false, false)));
                }),
                model("a masked and a plain input, Concatenate features, GRU sequences (Keras 3: no mask left)", n -> {
                    KerasLayers l = n.layers();
                    String a = n.chain(n.input("a", 6, 2), l.activation("relu"), l.masking(0.0));
                    String b = n.input("b", 6, 1);
                    return n.build(n.chain(n.call(l.concatenate(-1), a, b),
                            l.gru(3, 2, "tanh", "sigmoid", false, true, false)));
                }),
                model("Embedding(mask_zero) over 3 ids, Dense, Bidirectional(GRU) sum sequences,"
                        + " GlobalAveragePooling1D", n -> {
                    KerasLayers l = n.layers();
                    return n.build(n.chain(n.input("ids", 6),
                            KerasLayers.withMaskZero(l.embedding(3, 3), true), l.dense(3, 3, "tanh"),
                            l.bidirectional("sum", l.gru(3, 2, "tanh", "sigmoid", true, true, false),
                                    l.gru(3, 2, "tanh", "sigmoid", true, true, true)),
                            l.globalPooling("Average", 1, false)));
                }));
    }

    private static ModelSpec bidi(RandomNet n, String mode, RecurrentRecipe recipe) {
        KerasLayers l = n.layers();
        String x = n.input("x", 5, 3);
        return n.build(n.call(l.bidirectional(mode, recipe.make(l, false), recipe.make(l, true)), x));
    }
    /**
     * Each path's Keras masks are checked against what Keras defines them as: an RNN skips every masked step,
     * carrying its state over it, so on each row the masked model returns what the plain model (run on the jvm path,
     * no mask) returns on the row without the masked steps. Each row masks a different set of steps (none, leading,
     * trailing, scattered).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("maskedRecurrentLayers")
    void eachPathSkipsMaskedStepsLikeThePlainModelOnTheRowsWithoutThem(MaskCase c) {
        for (PredictionPath path : PredictionPath.values()) {
            checkMaskedAgainstShorterRows(c, path);
        }
    }

    private void checkMaskedAgainstShorterRows(MaskCase c, PredictionPath path) {
        int steps = 7;
        int features = 3;
        RandomNet masked = net(c.name());
        KerasLayers l = masked.layers();
        LayerSpec embedding = l.embedding(9, features);
        LayerSpec masking = l.masking(0.0);
        LayerSpec[] after = c.layers().apply(l).toArray(new LayerSpec[0]);
        String x = c.embedding() ? masked.input("x", steps) : masked.input("x", steps, features);
        String maskedOut = masked.chain(masked.call(c.embedding() ? KerasLayers.withMaskZero(embedding, true)
                : masking, x), after);
        ModelSpec maskedModel = roundTrip(tmp, masked.build(maskedOut), c.name(), true);
        boolean[][] masks = {new boolean[steps], {true, true, false, false, false, false, false},
                {false, false, false, false, true, true, true}, {false, true, false, true, false, false, true},
                {true, false, false, false, false, false, true}};
        int rowSize = c.embedding() ? steps : steps * features;
        int stepSize = c.embedding() ? 1 : features;
        Random random = new Random(c.name().hashCode());
        float[] rows = new float[masks.length * rowSize];
        for (int r = 0; r < masks.length; r++) {
            for (int t = 0; t < steps; t++) {
                for (int f = 0; f < stepSize; f++) {
                    rows[r * rowSize + t * stepSize + f] = masks[r][t] ? 0
                            : c.embedding() ? 1 + random.nextInt(8) : (float) (random.nextDouble() * 2 - 1);
                }
            }
        }
        try (LoadedModel model = PredictionPaths.load(maskedModel, path, RuntimeOptions.singleThreaded())) {
            for (int batch : new int[] {masks.length, SMALL_BATCH}) {
                float[] out = ParityRuns.predict(model, new ParityRuns.Batch(masks.length, new float[][] {rows}),
                        batch)[0];
                int outSize = model.signature().outputSize(0);
                for (int r = 0; r < masks.length; r++) {
                    int kept = 0;
                    float[] row = new float[rowSize];
                    for (int t = 0; t < steps; t++) {
                        if (!masks[r][t]) {
                            System.arraycopy(rows, r * rowSize + t * stepSize, row, kept * stepSize, stepSize);
                            kept++;
                        }
                    }
                    RandomNet plain = net(c.name());
                    String y = c.embedding() ? plain.input("x", kept) : plain.input("x", kept, features);
                    String plainOut = plain.chain(c.embedding() ? plain.call(embedding, y) : y, after);
                    float[] expected;
                    try (LoadedModel jvm = PredictionPaths.load(plain.build(plainOut), PredictionPath.JVM,
                            RuntimeOptions.singleThreaded())) {
                        expected = ParityRuns.predict(jvm, new ParityRuns.Batch(1, new float[][] {
                                Arrays.copyOf(row, kept * stepSize)}), 1)[0];
                    }
                    float[][] actual = {Arrays.copyOfRange(out, r * outSize, (r + 1) * outSize)};
                    double rel = ParityRuns.maxRelativeError(actual, new float[][] {expected});
                    record(c.name() + " on " + path.id(), rel);
                    assertThat(rel).as("%s, row %d (%d of %d steps masked), batches of %d: %s vs the plain model on"
                                    + " the unmasked steps (%s)", c.name(), r, steps - kept, steps, batch, path.id(),
                            ParityRuns.worstDifference(actual, new float[][] {expected}, maskedModel.outputs()))
                            .isLessThanOrEqualTo(TOLERANCE);
                }
            }
        }
    }

    /**
     * Layers ending in one that consumes the mask (an RNN returning its last output, or GlobalAveragePooling1D),
     * behind Masking or Embedding(mask_zero=True).
     */
    record MaskCase(String name, boolean embedding, Function<KerasLayers, List<LayerSpec>> layers) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> maskedRecurrentLayers() {
        return Stream.of(
                new MaskCase("Masking, LSTM", false,
                        l -> List.of(l.lstm(3, 4, "tanh", "sigmoid", true, false, false))),
                new MaskCase("Masking, GRU reset_after=true", false,
                        l -> List.of(l.gru(3, 4, "tanh", "sigmoid", true, false, false))),
                new MaskCase("Masking, GRU reset_after=false go_backwards", false,
                        l -> List.of(l.gru(3, 4, "tanh", "hard_sigmoid", false, false, true))),
                new MaskCase("Masking, SimpleRNN", false, l -> List.of(l.simpleRnn(3, 4, "tanh", false, false))),
                new MaskCase("Masking, Bidirectional(LSTM) concat", false, l -> List.of(l.bidirectional("concat",
                        l.lstm(3, 3, "tanh", "sigmoid", true, false, false),
                        l.lstm(3, 3, "tanh", "sigmoid", true, false, true)))),
                new MaskCase("Masking, Bidirectional(GRU) sum", false, l -> List.of(l.bidirectional("sum",
                        l.gru(3, 3, "tanh", "sigmoid", true, false, false),
                        l.gru(3, 3, "tanh", "sigmoid", true, false, true)))),
                new MaskCase("Masking, TimeDistributed(Dense), LSTM (the mask passes through)", false,
                        l -> List.of(l.timeDistributed(l.dense(3, 4, "relu")),
                                l.lstm(4, 3, "tanh", "sigmoid", true, false, false))),
                new MaskCase("Masking, GlobalAveragePooling1D (averages the unmasked steps)", false,
                        l -> List.of(l.globalPooling("Average", 1, false))),
                new MaskCase("Embedding(mask_zero=True), LSTM", true,
                        l -> List.of(l.lstm(3, 4, "tanh", "sigmoid", true, false, false))),
                new MaskCase("Embedding(mask_zero=True), Bidirectional(SimpleRNN) ave", true,
                        l -> List.of(l.bidirectional("ave", l.simpleRnn(3, 2, "tanh", false, false),
                                l.simpleRnn(3, 2, "tanh", false, true)))),
                new MaskCase("Embedding(mask_zero=True), GlobalAveragePooling1D", true,
                        l -> List.of(l.globalPooling("Average", 1, false)))).map(Arguments::of);
    }

    @AfterAll
    static void printWorstCases() {
        RandomModelParity.printWorstCases();
    }
}
