package io.sparkscore.runtime;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SequentialBuilder;
import io.sparkscore.model.UnsupportedLayerException;
import io.sparkscore.model.keras.KerasFixtures;
import io.sparkscore.model.keras.KerasModelReader;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every real Keras file of the shared fixtures, on both prediction paths. Files that come with Keras' own
 * {@code predict()} results must reproduce them within {@value #KERAS_TOLERANCE} (absolute) on each path; every other
 * file must run on both paths with the paths agreeing on seeded random rows, or be refused for the documented reason
 * with its exact message. Each model runs twice, as one batch of all rows and in batches of {@value #SMALL_BATCH}, so a
 * batch size fixed in the file's {@code batch_input_shape} cannot matter.
 *
 * <p>The largest error reached per file and path is printed as a table after the class, for the README.
 */
class KerasFixturesParityTest {

    static final double KERAS_TOLERANCE = 1e-4;
    static final double PATH_TOLERANCE = 1e-5;
    private static final int SMALL_BATCH = 3;
    private static final int RANDOM_ROWS = 7;
    private static final long SEED = 20_240_611L;
    private static final Configuration CONF = new Configuration();

    private enum Outcome {
        /** Matches Keras' predictions where the fixtures hold them, else both paths agree on random rows. */
        RUNS,
        /** The data file holds training labels only, not predictions: both paths must agree on random rows. */
        RUNS_WITHOUT_PREDICTIONS,
        /**
         * A channels_first model without Keras' predictions: both paths must agree with the jvm path running the
         * model's channels_last equivalent (each channels_first layer between transposes, as Keras defines it).
         */
        CHANNELS_FIRST,
        /**
         * Masking then an RNN, without Keras' predictions: both paths must skip the masked steps as Keras does,
         * giving what the RNN alone gives on the sequence without them.
         */
        MASKING,
        REFUSED_ON_READ,
        REFUSED_ON_LOAD
    }

    /** What a fixture must do; refusals carry the exception, its exact message and the documented reason. */
    private record Expectation(Outcome outcome, Class<? extends RuntimeException> error, String message,
                               String reason) {
    }

    private static Expectation runs() {
        return new Expectation(Outcome.RUNS, null, null, null);
    }

    private static Expectation runsWithoutPredictions(String reason) {
        return new Expectation(Outcome.RUNS_WITHOUT_PREDICTIONS, null, null, reason);
    }

    private static Expectation checkedAgainstAnEquivalent(Outcome outcome, String reason) {
        return new Expectation(outcome, null, null, reason);
    }

    private static Expectation refusedOnRead(Class<? extends RuntimeException> error, String message, String reason) {
        return new Expectation(Outcome.REFUSED_ON_READ, error, message, reason);
    }

    private static Expectation refusedOnLoad(Class<? extends RuntimeException> error, String message, String reason) {
        return new Expectation(Outcome.REFUSED_ON_LOAD, error, message, reason);
    }

    /** Appended by the reader to its refusals; %s is the file. */
    private static final String MODEL_FILE = " (model file %s)";

    private static final Map<String, Expectation> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("dl4j/12net_prelu_conv2d.h5", refusedOnLoad(ModelException.class,
                "model input 'input_2' has shape (None, None, 3) with 2 open dimensions; sparkscore reads one"
                        + " open (sequence) dimension per input from a row's array length, so declare the other"
                        + " dimensions",
                "a fully convolutional net whose input has open height and width"));
        EXPECTED.put("dl4j/LeakyReLU_0_model.h5", runs());
        EXPECTED.put("dl4j/batch_to_conv2d_tensorflow_2.h5", runs());
        EXPECTED.put("dl4j/bidirectional_lstm_tensorflow_1.h5", runs());
        EXPECTED.put("dl4j/bidirectional_lstm_tensorflow_2.h5", runs());
        EXPECTED.put("dl4j/causal_conv1d_k3_s1_d2_cl_model.h5", runs());
        EXPECTED.put("dl4j/cnn_batch_norm_model.h5", runs());
        EXPECTED.put("dl4j/conv1d_k2_s1_d1_cl_same_model.h5", runs());
        EXPECTED.put("dl4j/conv1d_k3_s2_d1_cl_valid_model.h5", runs());
        EXPECTED.put("dl4j/conv2d_theano_2.h5", runs());
        EXPECTED.put("dl4j/embedding_conv1d_flatten_tensorflow_2.h5", runs());
        EXPECTED.put("dl4j/embedding_lstm_tensorflow_2.h5", runs());
        EXPECTED.put("dl4j/flatten_3d.hdf5", runs());
        EXPECTED.put("dl4j/keras_attention_functional.h5", runs());
        EXPECTED.put("dl4j/lstm_functional_tf_keras_2.h5", runs());
        EXPECTED.put("dl4j/lstm_tensorflow_1.h5", runs());
        EXPECTED.put("dl4j/masking_zero_lstm.h5", checkedAgainstAnEquivalent(Outcome.MASKING,
                "no Keras predictions; a masked row must give what the LSTM alone gives on its unmasked steps"));
        EXPECTED.put("dl4j/simple_flatten_lstm_tf_keras_2_model.h5", runs());
        EXPECTED.put("dl4j/simple_flatten_rnn_tf_keras_2_model.h5", runs());
        EXPECTED.put("dl4j/simple_lstm_tf_keras_1_model.h5", runs());
        EXPECTED.put("dl4j/simple_lstm_tf_keras_2_model.h5", runsWithoutPredictions("its data file (older DL4J"
                + " layout) has no predictions/ group, and its outputs/ are the training labels (about the inputs plus"
                + " noise, up to |70|, beyond what tanh units times the Dense kernel can reach), not Keras' output"));
        EXPECTED.put("dl4j/simple_lstm_tf_keras_2_weights_only.h5", refusedOnRead(ModelFormatException.class,
                "%s: is a weights-only HDF5 file (written by save_weights): it has no model_config; read it "
                        + "together with the architecture JSON (model.to_json()) via "
                        + "KerasModelReader.readWeightsAndArchitecture",
                "weights without an architecture"));
        EXPECTED.put("dl4j/simple_rnn_tf_keras_2_model.h5", runs());
        EXPECTED.put("dl4j/simple_sparse_xent_mlp_keras_2_model.h5", runs());
        EXPECTED.put("dl4j/simpleconv2d_functional.hdf5", checkedAgainstAnEquivalent(Outcome.CHANNELS_FIRST,
                "no Keras predictions; both paths are checked against the jvm path running the channels_last"
                        + " equivalent"));
        EXPECTED.put("dl4j/tfkeras_cnn1d_leakyrelu_maxpool1d.h5", runs());
        EXPECTED.put("dl4j/tfkeras_cnn2d_64_conv2d_pool_pad_upsample_crop.h5", runs());
        EXPECTED.put("dl4j/tfkeras_cnn2d_76_separableconv2d.h5", runs());
        EXPECTED.put("dl4j/tfkeras_conv1d_batchnorm.h5", runs());
        EXPECTED.put("dl4j/tfkeras_embedding_conv1d_issue_9349.hdf5", runs());
        EXPECTED.put("dl4j/tfkeras_misc_0_embedding_dense.h5", runs());
        EXPECTED.put("dl4j/tfkeras_mlp_24_dense_activation_dropout.h5", runs());
        EXPECTED.put("dl4j/tfkeras_rnn_25_bidir_simplernn.h5", runs());
        EXPECTED.put("dl4j/tfkeras_rnn_31_bidir_lstm_repeatvector.h5", runs());
        EXPECTED.put("dl4j/tfkeras_rnn_5_bidir_lstm.h5", runs());
        EXPECTED.put("frugally-deep/fdeep_gru_stateful_initial_state.h5", refusedOnRead(
                UnsupportedLayerException.class,
                "layer 'gru_1' (GRU): stateful=True carries state from one batch to the next, which depends on how "
                        + "rows are batched; re-create the layer with stateful=False, copy the weights and save the "
                        + "model again" + MODEL_FILE, "a stateful RNN"));
        EXPECTED.put("frugally-deep/fdeep_gru_stateless_initial_state.h5", runs());
        EXPECTED.put("frugally-deep/fdeep_lstm_multi_io_functional.h5", refusedOnRead(
                UnsupportedLayerException.class,
                "layer 'lstm_3' (LSTM): return_state=True makes the layer return its states as extra outputs; "
                        + "sparkscore supports one output per layer" + MODEL_FILE,
                "an RNN returning its states as extra outputs"));
        EXPECTED.put("hls4ml/hls4ml_conv1d_gru_tf2.11_hdf5_named.keras", runs());
        EXPECTED.put("hls4ml/hls4ml_mlp_tf2.11_hdf5_named.keras", runs());
        EXPECTED.put("keras3/emg_reshape_lstm_dense_k3.9.2.keras", runs());
        EXPECTED.put("keras3/predmaint_gru_bn_dropout_k3.12.1.keras", runs());
    }

    /** Per fixture: what it was compared with, rows, and the largest error per path. */
    private record Row(String reference, int rows, Map<PredictionPath, Double> errors) {
    }

    private static final Map<String, Row> REACHED = new TreeMap<>();

    static List<Path> modelFiles() {
        return KerasFixtures.modelFiles();
    }

    @Test
    void everyFixtureHasAnExplicitExpectation() {
        List<String> names = KerasFixtures.modelFiles().stream().map(KerasFixtures::relativeName).toList();
        assertThat(names).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("modelFiles")
    void fixtureMatchesKerasOrBothPathsAgreeOrIsRefusedAsDocumented(Path file) {
        String name = KerasFixtures.relativeName(file);
        Expectation expected = EXPECTED.get(name);
        assertThat(expected).as("expectation for %s", name).isNotNull();
        String path = file.toString();
        if (expected.outcome() == Outcome.REFUSED_ON_READ) {
            assertThatThrownBy(() -> KerasModelReader.read(path, CONF))
                    .isExactlyInstanceOf(expected.error())
                    .hasMessage(message(expected, path));
            return;
        }
        ModelSpec spec = KerasModelReader.read(path, CONF);
        if (expected.outcome() == Outcome.REFUSED_ON_LOAD) {
            for (PredictionPath p : PredictionPath.values()) {
                assertThatThrownBy(() -> PredictionPaths.load(spec, p, RuntimeOptions.singleThreaded()).close())
                        .as("%s on the %s path", name, p.id())
                        .isInstanceOf(expected.error())
                        .hasMessage(message(expected, path));
            }
            return;
        }
        if (expected.outcome() == Outcome.CHANNELS_FIRST) {
            assertPathsMatchChannelsLastEquivalentOnJvm(name, spec);
            return;
        }
        if (expected.outcome() == Outcome.MASKING) {
            assertPathsSkipMaskedStepsLikeTheRnnOnShorterSequences(name, spec);
            return;
        }
        Optional<KerasFixtures.ExpectedData> data = expected.outcome() == Outcome.RUNS
                ? KerasFixtures.expectedData(file) : Optional.empty();
        if (data.isPresent()) {
            assertMatchesKeras(name, spec, data.get());
        } else {
            assertPathsAgree(name, spec);
        }
    }

    private static String message(Expectation expected, String path) {
        return expected.message().replace("%s", path);
    }

    private static void assertMatchesKeras(String name, ModelSpec spec, KerasFixtures.ExpectedData data) {
        int rows = data.inputs().get(0).rows();
        float[][] x = data.inputs().stream().map(KerasFixtures.Array::data).toArray(float[][]::new);
        float[][] y = data.predictions().stream().map(KerasFixtures.Array::data).toArray(float[][]::new);
        ParityRuns.Batch inputs = new ParityRuns.Batch(rows, x);
        Map<PredictionPath, Double> errors = new EnumMap<>(PredictionPath.class);
        for (PredictionPath p : PredictionPath.values()) {
            try (LoadedModel model = PredictionPaths.load(spec, p, RuntimeOptions.singleThreaded())) {
                for (int i = 0; i < x.length; i++) {
                    assertThat(x[i]).as("%s input %d", name, i).hasSize(rows * model.signature().inputSize(i));
                }
                for (int j = 0; j < y.length; j++) {
                    assertThat(y[j]).as("%s output %d", name, j).hasSize(rows * model.signature().outputSize(j));
                }
                for (int batch : new int[] {rows, SMALL_BATCH}) {
                    float[][] out = ParityRuns.predict(model, inputs, batch);
                    double err = ParityRuns.maxAbsError(out, y);
                    errors.merge(p, err, Math::max);
                    assertThat(err).as("%s on the %s path in batches of %d rows: max abs error vs Keras (%s)",
                                    name, p.id(), batch, ParityRuns.worstDifference(out, y, spec.outputs()))
                            .isLessThanOrEqualTo(KERAS_TOLERANCE);
                }
            } finally {
                record(name, "Keras predict()", rows, errors);
            }
        }
    }

    private static void assertPathsAgree(String name, ModelSpec spec) {
        Map<PredictionPath, Double> errors = new EnumMap<>(PredictionPath.class);
        try (LoadedModel jvm = PredictionPaths.load(spec, PredictionPath.JVM, RuntimeOptions.singleThreaded());
             LoadedModel tf = PredictionPaths.load(spec, PredictionPath.TF, RuntimeOptions.singleThreaded())) {
            ParityRuns.Batch inputs = ParityRuns.randomInputs(spec, jvm.signature(), RANDOM_ROWS, SEED);
            float[][] reference = ParityRuns.predict(jvm, inputs, RANDOM_ROWS);
            for (float[] r : reference) {
                assertThat(r).as("%s: jvm output must be finite", name).doesNotContain(Float.NaN);
            }
            for (int batch : new int[] {RANDOM_ROWS, SMALL_BATCH}) {
                float[][] jvmOut = ParityRuns.predict(jvm, inputs, batch);
                assertThat(ParityRuns.maxRelativeError(jvmOut, reference)).as("%s: jvm path in batches of %d rows"
                        + " vs one batch", name, batch).isLessThanOrEqualTo(PATH_TOLERANCE);
                float[][] tfOut = ParityRuns.predict(tf, inputs, batch);
                double rel = ParityRuns.maxRelativeError(tfOut, reference);
                errors.merge(PredictionPath.TF, rel, Math::max);
                assertThat(rel).as("%s: tf vs jvm in batches of %d rows, relative (%s)", name, batch,
                        ParityRuns.worstDifference(tfOut, reference, spec.outputs())).isLessThanOrEqualTo(
                        PATH_TOLERANCE);
            }
        } finally {
            record(name, "jvm path (random rows)", RANDOM_ROWS, errors);
        }
    }

    /**
     * Both paths run the channels_first model itself; the jvm path also runs its channels_last equivalent (each such
     * layer between transposes, as Keras defines it), the reference both must agree with.
     */
    private static void assertPathsMatchChannelsLastEquivalentOnJvm(String name, ModelSpec spec) {
        Map<PredictionPath, Double> errors = new EnumMap<>(PredictionPath.class);
        ModelSpec equivalent = ChannelsLastEquivalent.of(spec);
        try (LoadedModel reference = PredictionPaths.load(equivalent, PredictionPath.JVM,
                RuntimeOptions.singleThreaded())) {
            ParityRuns.Batch inputs = ParityRuns.randomInputs(spec, reference.signature(), RANDOM_ROWS, SEED);
            float[][] expected = ParityRuns.predict(reference, inputs, RANDOM_ROWS);
            for (PredictionPath path : PredictionPath.values()) {
                try (LoadedModel model = PredictionPaths.load(spec, path, RuntimeOptions.singleThreaded())) {
                    for (int batch : new int[] {RANDOM_ROWS, SMALL_BATCH}) {
                        float[][] out = ParityRuns.predict(model, inputs, batch);
                        double rel = ParityRuns.maxRelativeError(out, expected);
                        errors.merge(path, rel, Math::max);
                        assertThat(rel).as("%s: %s vs the jvm path's channels_last equivalent in batches of %d rows"
                                + " (%s)", name, path.id(), batch, ParityRuns.worstDifference(out, expected,
                                spec.outputs())).isLessThanOrEqualTo(PATH_TOLERANCE);
                    }
                }
            }
        } finally {
            record(name, "channels_last equivalent on jvm (random rows)", RANDOM_ROWS, errors);
        }
    }

    /**
     * Keras' Masking makes an RNN skip every all-zero step, carrying its state over it, so on a row with masked steps
     * (at the end, the start and in the middle) a Masking -> RNN model returns what the RNN alone returns on the row
     * without those steps (run on the jvm path without a mask). Both paths run the model itself.
     */
    private static void assertPathsSkipMaskedStepsLikeTheRnnOnShorterSequences(String name, ModelSpec spec) {
        assertThat(spec.nodes()).as("%s: Masking then one RNN", name).hasSize(2);
        assertThat(spec.layer(spec.nodes().get(0).layerName()).className()).isEqualTo("Masking");
        LayerSpec rnn = spec.layer(spec.nodes().get(1).layerName());
        assertThat(rnn.config().getBoolean("return_sequences", false)).as("%s: last output only", name).isFalse();
        int steps = spec.inputs().get(0).shape()[0];
        int features = spec.inputs().get(0).shape()[1];
        Random random = new Random(SEED);
        List<boolean[]> masks = List.of(masked(steps, steps - 3, steps), masked(steps, 0, 2), masked(steps, 4, 6),
                masked(steps), masked(steps, 1, 2, 5, 6, steps - 1, steps));
        int rows = masks.size();
        float[] x = new float[rows * steps * features];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < steps; t++) {
                for (int f = 0; f < features; f++) {
                    x[(r * steps + t) * features + f] = masks.get(r)[t] ? 0 : (float) (random.nextDouble() * 2 - 1);
                }
            }
        }
        Map<PredictionPath, Double> errors = new EnumMap<>(PredictionPath.class);
        try {
            for (PredictionPath path : PredictionPath.values()) {
                try (LoadedModel model = PredictionPaths.load(spec, path, RuntimeOptions.singleThreaded())) {
                    for (int batch : new int[] {rows, SMALL_BATCH}) {
                        float[][] out = ParityRuns.predict(model, new ParityRuns.Batch(rows, new float[][] {x}),
                                batch);
                        int size = model.signature().outputSize(0);
                        for (int r = 0; r < rows; r++) {
                            float[] kept = keptSteps(x, r, steps, features, masks.get(r));
                            float[] expected = rnnAlone(rnn, kept.length / features, features, kept);
                            float[][] actual = {Arrays.copyOfRange(out[0], r * size, (r + 1) * size)};
                            double rel = ParityRuns.maxRelativeError(actual, new float[][] {expected});
                            errors.merge(path, rel, Math::max);
                            assertThat(rel).as("%s row %d (%d of %d steps masked), batches of %d: %s vs the RNN on"
                                            + " the unmasked steps (%s)", name, r, steps - kept.length / features,
                                    steps, batch, path.id(), ParityRuns.worstDifference(actual,
                                            new float[][] {expected}, spec.outputs()))
                                    .isLessThanOrEqualTo(PATH_TOLERANCE);
                        }
                    }
                }
            }
        } finally {
            record(name, "the RNN alone (jvm) on the unmasked steps", rows, errors);
        }
    }

    /** A mask over {@code steps} with the half-open ranges [from, to) given as pairs set. */
    private static boolean[] masked(int steps, int... ranges) {
        boolean[] m = new boolean[steps];
        for (int i = 0; i < ranges.length; i += 2) {
            Arrays.fill(m, ranges[i], ranges[i + 1], true);
        }
        return m;
    }

    private static float[] keptSteps(float[] x, int row, int steps, int features, boolean[] mask) {
        float[] kept = new float[steps * features];
        int n = 0;
        for (int t = 0; t < steps; t++) {
            if (!mask[t]) {
                System.arraycopy(x, (row * steps + t) * features, kept, n, features);
                n += features;
            }
        }
        return Arrays.copyOf(kept, n);
    }

    private static float[] rnnAlone(LayerSpec rnn, int steps, int features, float[] row) {
        ModelSpec alone = new SequentialBuilder("rnn_alone", new int[] {steps, features})
                .add(rnn).build();
        try (LoadedModel jvm = PredictionPaths.load(alone, PredictionPath.JVM, RuntimeOptions.singleThreaded())) {
            return ParityRuns.predict(jvm, new ParityRuns.Batch(1, new float[][] {row}), 1)[0];
        }
    }

    private static synchronized void record(String name, String reference, int rows,
                                            Map<PredictionPath, Double> errors) {
        REACHED.put(name, new Row(reference, rows, new EnumMap<>(errors)));
    }

    @AfterAll
    static void printToleranceTable() {
        if (REACHED.isEmpty()) {
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add("| fixture | compared with | rows | jvm max error | tf max error |");
        lines.add("|---|---|---|---|---|");
        REACHED.forEach((name, row) -> lines.add("| " + name + " | " + row.reference() + " | " + row.rows() + " | "
                + cell(row, PredictionPath.JVM) + " | " + cell(row, PredictionPath.TF) + " |"));
        System.out.println("Parity reached on the Keras fixtures (Keras: max abs error; jvm path: max relative "
                + "difference |tf - jvm| / max(1, |jvm|)):");
        lines.forEach(System.out::println);
    }

    private static String cell(Row row, PredictionPath p) {
        if (row.reference().startsWith("jvm") && p == PredictionPath.JVM) {
            return "(reference)";
        }
        Double e = row.errors().get(p);
        return e == null ? "failed" : String.format("%.2e", e);
    }
}
