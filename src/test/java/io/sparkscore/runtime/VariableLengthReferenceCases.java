package io.sparkscore.runtime;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.OpenDimensions;
import io.sparkscore.model.keras.KerasArchiveWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * The variable-length cases of {@link KerasReferenceDump}: models with an open time axis, a batch of rows of mixed
 * lengths scored on both paths in one predictor call each (grouped by length), which
 * {@code scripts/keras_reference_check.py} compares with Keras predicting each row alone
 * ({@code model.predict(x_row[None])}). A case's {@code lengths} gives each row's steps; {@code in0} the shape of a
 * step.
 */
final class VariableLengthReferenceCases {

    private static final int ROWS = 10;

    /** How a case's values are drawn: gaussian; gaussian with zero (masked) steps; indices 0..9 with zeros. */
    enum Values { GAUSSIAN, MASKED_STEPS, INDICES }

    record Case(Function<RandomNet, ModelSpec> recipe, Values values) {
    }

    static final Map<String, Case> CASES = new LinkedHashMap<>();

    private VariableLengthReferenceCases() {
    }

    private static void add(String name, Values values, Function<RandomNet, ModelSpec> recipe) {
        CASES.put(name, new Case(recipe, values));
    }

    static {
        add("open_simplernn", Values.GAUSSIAN, n -> n.build(n.chain(n.input("x", -1, 3),
                n.layers().simpleRnn(3, 4, "tanh", false, false))));
        add("open_simplernn_seq_gap", Values.GAUSSIAN, n -> n.build(n.chain(n.input("x", -1, 3),
                n.layers().simpleRnn(3, 4, "tanh", true, false), n.layers().globalPooling("Average", 1, false))));
        add("open_lstm", Values.GAUSSIAN, n -> n.build(n.chain(n.input("x", -1, 3),
                n.layers().lstm(3, 5, "tanh", "sigmoid", true, false, false))));
        add("open_gru_backwards", Values.GAUSSIAN, n -> n.build(n.chain(n.input("x", -1, 3),
                n.layers().gru(3, 4, "tanh", "sigmoid", true, false, true))));
        add("open_bidirectional_lstm", Values.GAUSSIAN, n -> n.build(n.chain(n.input("x", -1, 3),
                n.layers().bidirectional("concat", n.layers().lstm(3, 2, "tanh", "sigmoid", true, false, false),
                        n.layers().lstm(3, 2, "tanh", "sigmoid", true, false, true)))));
        add("open_conv1d_pool_gmp", Values.GAUSSIAN, n -> n.build(n.chain(n.input("x", -1, 3),
                n.layers().conv(3, 4, new int[] {3}, new int[] {1}, "valid", new int[] {1}, 1, "relu", true),
                n.layers().pooling("Max", new int[] {2}, new int[] {2}, "valid"),
                n.layers().globalPooling("Max", 1, false))));
        add("open_causal_conv1d_gap", Values.GAUSSIAN, n -> n.build(n.chain(n.input("x", -1, 3),
                n.layers().conv(3, 2, new int[] {2}, new int[] {1}, "causal", new int[] {2}, 1, "linear", true),
                n.layers().globalPooling("Average", 1, false))));
        add("open_timedistributed_dense_gap", Values.GAUSSIAN, n -> n.build(n.chain(n.input("x", -1, 3),
                n.layers().timeDistributed(n.layers().dense(3, 4, "relu")), n.layers().dense(4, 2, "tanh"),
                n.layers().globalPooling("Average", 1, false))));
        add("open_masking_lstm", Values.MASKED_STEPS, n -> n.build(n.chain(n.input("x", -1, 3),
                n.layers().masking(0.0), n.layers().lstm(3, 3, "tanh", "sigmoid", true, false, false))));
        add("open_masking_gap", Values.MASKED_STEPS, n -> n.build(n.chain(n.input("x", -1, 3),
                n.layers().masking(0.0), n.layers().globalPooling("Average", 1, false))));
        add("open_embedding_mask_zero_gru", Values.INDICES, n -> n.build(n.chain(n.input("x", -1),
                KerasLayers.withMaskZero(n.layers().embedding(10, 3), true),
                n.layers().gru(3, 3, "tanh", "sigmoid", true, false, false))));
        add("open_attention_gap", Values.GAUSSIAN, n -> {
            String x = n.input("x", -1, 3);
            return n.build(n.call(n.layers().globalPooling("Average", 1, false),
                    n.call(n.layers().attention(true, "dot"), x, x)));
        });
        add("open_mha_causal_gmp", Values.GAUSSIAN, n -> {
            String x = n.input("x", -1, 3);
            String a = n.callWith(Map.of("use_causal_mask", true), n.layers().multiHeadAttention(2, 2, null, 3, 3, 3,
                    null, null, true), x, x);
            return n.build(n.call(n.layers().globalPooling("Max", 1, false), a));
        });
    }

    /** Writes the case's model, rows and both paths' outputs under {@code root}; its manifest entry. */
    static String dump(String name, Case c, Path root) throws IOException {
        ModelSpec spec = c.recipe().apply(new RandomNet(name, 5));
        Path dir = root.resolve(name);
        Files.createDirectories(dir);
        KerasArchiveWriter.write(spec, dir.resolve("model.keras"));
        int[] shape = spec.inputs().get(0).shape();
        int[] stepShape = Arrays.stream(shape).filter(d -> d >= 0).toArray();
        int step = Arrays.stream(stepShape).reduce(1, (a, b) -> a * b);
        int min = OpenDimensions.minimumLength(spec, 32);
        Random random = new Random(name.hashCode());
        int[] lengths = new int[ROWS];
        int[][] starts = {new int[ROWS + 1]};
        for (int r = 0; r < ROWS; r++) {
            lengths[r] = min + random.nextInt(5);
            starts[0][r + 1] = starts[0][r] + lengths[r] * step;
        }
        float[] packed = new float[starts[0][ROWS]];
        for (int r = 0; r < ROWS; r++) {
            for (int k = starts[0][r]; k < starts[0][r + 1]; k++) {
                packed[k] = c.values() == Values.INDICES ? random.nextInt(10) : (float) random.nextGaussian();
            }
            if (c.values() == Values.MASKED_STEPS && lengths[r] > 1) {
                Arrays.fill(packed, starts[0][r + 1] - step, starts[0][r + 1], 0f);
                if (lengths[r] > 2 && r % 2 == 0) {
                    Arrays.fill(packed, starts[0][r], starts[0][r] + step, 0f);
                }
            }
        }
        write(dir.resolve("in0.f32"), packed);
        List<String> entries = new ArrayList<>();
        entries.add("\"in0\": " + Arrays.toString(stepShape));
        entries.add("\"lengths\": " + Arrays.toString(lengths));
        for (PredictionPath path : PredictionPath.values()) {
            try (LoadedModel m = PredictionPaths.load(spec, path, RuntimeOptions.singleThreaded());
                 Predictor p = m.newPredictor(ROWS)) {
                float[][] out = {new float[ROWS * m.signature().outputSize(0)]};
                p.predict(new float[][] {packed}, starts, ROWS, out);
                write(dir.resolve("out_" + path.id() + ".f32"), out[0]);
                entries.add("\"out_" + path.id() + "\": " + Arrays.toString(m.signature().outputShapes().get(0)));
            } catch (RuntimeException ex) {
                entries.add("\"refused_" + path.id() + "\": \"" + ex.getMessage().replace("\"", "'") + "\"");
            }
        }
        return "{\"name\": \"" + name + "\", " + String.join(", ", entries) + "}";
    }

    private static void write(Path p, float[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        Files.write(p, b.array());
    }
}
