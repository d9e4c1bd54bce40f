package io.sparkscore.bench;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SampleModels;
import io.sparkscore.model.SequentialBuilder;
import io.sparkscore.model.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The benchmark's models, built as specs with seeded glorot-like weights. */
final class BenchModels {

    static final long SEED = 42;

    /**
     * The seed's medium model, parameterised by width: Input(steps x features) → LSTM(lstm, relu,
     * return_sequences) → Conv1D(filters, kernel, same) → Flatten → Dense d1/d2/d3 relu → Dropout(0.5) → Dense(1,
     * sigmoid).
     */
    record Medium(String name, int steps, int features, int lstm, int filters, int kernel, int d1, int d2, int d3) {

        String describe() {
            return String.format("Input(%dx%d) > LSTM(%d,relu,seq) > Conv1D(%d,%d,same) > Flatten > Dense %d/%d/%d"
                    + " relu > Dropout > Dense 1 sigmoid", steps, features, lstm, filters, kernel, d1, d2, d3);
        }
    }

    /** The seed experiment's medium model at full width. */
    static final Medium MEDIUM_FULL = new Medium("medium", 400, 16, 512, 128, 400, 256, 128, 64);
    /** The same architecture at 1/8 of every width (units, filters, Dense sizes); sequence and kernel unchanged. */
    static final Medium MEDIUM_EIGHTH = new Medium("medium_w8", 400, 16, 64, 16, 400, 32, 16, 8);
    /** A smaller LSTM → Conv1D → Dense stack whose whole calibration grid fits in the benchmark's time. */
    static final Medium MEDIUM_CALIBRATION = new Medium("medium_cal", 50, 16, 32, 16, 9, 64, 32, 16);

    private BenchModels() {
    }

    static ModelSpec tiny() {
        return SampleModels.tiny(SEED);
    }

    static ModelSpec medium(Medium m) {
        Random random = new Random(SEED);
        return new SequentialBuilder(m.name(), new int[] {m.steps(), m.features()})
                .add(lstm("lstm", m.features(), m.lstm(), random))
                .add(conv1d("conv1d", m.lstm(), m.filters(), m.kernel(), random))
                .add(layer("flatten", "Flatten", Map.of(), Map.of()))
                .add(SampleModels.dense("dense", m.steps() * m.filters(), m.d1(), "relu", random))
                .add(SampleModels.dense("dense_1", m.d1(), m.d2(), "relu", random))
                .add(SampleModels.dense("dense_2", m.d2(), m.d3(), "relu", random))
                .add(layer("dropout", "Dropout", Map.of("rate", 0.5), Map.of()))
                .add(SampleModels.dense("dense_3", m.d3(), 1, "sigmoid", random))
                .build();
    }

    private static LayerSpec lstm(String name, int in, int units, Random random) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("units", units);
        config.put("activation", "relu");
        config.put("recurrent_activation", "sigmoid");
        config.put("use_bias", true);
        config.put("return_sequences", true);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("kernel", SampleModels.glorot("kernel", new int[] {in, 4 * units}, in, 4 * units, random));
        // Small recurrent weights keep a relu LSTM bounded over hundreds of steps (no inf/NaN to skew timings).
        weights.put("recurrent_kernel", SampleModels.uniform("recurrent_kernel", new int[] {units, 4 * units},
                0.5 / Math.sqrt(units), random));
        weights.put("bias", SampleModels.uniform("bias", new int[] {4 * units}, 0.1, random));
        return layer(name, "LSTM", config, weights);
    }

    private static LayerSpec conv1d(String name, int in, int filters, int kernel, Random random) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("filters", filters);
        config.put("kernel_size", List.of(kernel));
        config.put("strides", List.of(1));
        config.put("padding", "same");
        config.put("dilation_rate", List.of(1));
        config.put("activation", "linear");
        config.put("use_bias", true);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("kernel", SampleModels.glorot("kernel", new int[] {kernel, in, filters}, kernel * in,
                kernel * filters, random));
        weights.put("bias", SampleModels.uniform("bias", new int[] {filters}, 0.1, random));
        return layer(name, "Conv1D", config, weights);
    }

    private static LayerSpec layer(String name, String className, Map<String, Object> config,
                                   Map<String, Tensor> weights) {
        Map<String, Object> named = new LinkedHashMap<>(config);
        named.put("name", name);
        return new LayerSpec(name, className, new LayerConfig(name, className, named), weights);
    }

    /** Uniform values in [-1, 1): model inputs for {@code rows} rows of {@code width} floats. */
    static float[] randomRows(int rows, int width, long seed) {
        Random random = new Random(seed);
        float[] data = new float[rows * width];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextFloat() * 2 - 1;
        }
        return data;
    }
}
