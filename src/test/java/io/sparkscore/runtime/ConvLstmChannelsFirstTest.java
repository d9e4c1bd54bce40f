package io.sparkscore.runtime;

import io.sparkscore.job.JobOptions;
import io.sparkscore.job.LocalSpark;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.ml.InputBinding;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.keras.KerasArchiveWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * channels_first ConvLSTM2D (input (time, channels, rows, cols)) scored by {@link ScoringJob} on each path equals what
 * Keras defines it as: the same layer in channels_last between Permutes moving each step's channels last and the
 * output's filters back after the time axis, run on the jvm path. (Keras itself agrees: the keras reference check's
 * {@code convlstm*_channels_first_*} cases.)
 */
class ConvLstmChannelsFirstTest {

    private static final int ROWS = 12;
    private static final int SIZE = 3 * 2 * 4 * 3;

    @TempDir
    Path dir;

    /** x (flat) as (3 steps, 2 channels, 4, 3), then the ConvLSTM2D {@code wrap} places, returning sequences. */
    private static ModelSpec model(Function<RandomNet, Function<String, String>> wrap) {
        RandomNet net = new RandomNet("convlstm_cf", 9);
        String x = net.call(net.layers().reshape(3, 2, 4, 3), net.input("x", SIZE));
        return net.build(wrap.apply(net).apply(x));
    }

    private static LayerSpec convLstm(RandomNet net) {
        return net.layers().convLstm(2, 2, 3, new int[] {2, 2}, new int[] {1, 1}, "same", new int[] {1, 1},
                "sigmoid", true, false);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void theJobScoresItAsTheChannelsLastLayerBetweenPermutes(PredictionPath path) {
        ModelSpec channelsFirst = model(net -> x -> net.call(KerasLayers.withDataFormat(convLstm(net),
                "channels_first"), x));
        ModelSpec permuted = model(net -> x -> net.chain(x, net.layers().permute(1, 3, 4, 2), convLstm(net),
                net.layers().permute(1, 4, 2, 3)));
        SparkSession spark = LocalSpark.get();
        Column[] values = new Column[SIZE];
        for (int i = 0; i < SIZE; i++) {
            values[i] = rand(i).multiply(2).minus(1);
        }
        String data = dir.resolve("rows").toString();
        spark.range(ROWS).select(col("id"), array(values).cast("array<float>").as("x")).write().parquet(data);
        Path model = dir.resolve("cf.keras");
        KerasArchiveWriter.write(channelsFirst, model);
        String out = dir.resolve("scored").toString();

        ScoringJob.Result result = new ScoringJob(spark, JobOptions.builder().setModel(model.toString())
                .setInput(data).setBindings(List.of(InputBinding.array("x", "x"))).optOutput(out)
                .optKeep(List.of("id")).optPath(Optional.of(path)).build()).run();

        assertThat(result.summary().rows().scored()).isEqualTo(ROWS);
        List<Row> rows = spark.read().parquet(out).orderBy("id").collectAsList();
        float[] inputs = new float[ROWS * SIZE];
        List<Row> in = spark.read().parquet(data).orderBy("id").collectAsList();
        for (int r = 0; r < ROWS; r++) {
            List<Float> v = in.get(r).getList(1);
            for (int k = 0; k < SIZE; k++) {
                inputs[r * SIZE + k] = v.get(k);
            }
        }
        float[] expected;
        try (LoadedModel m = PredictionPaths.load(permuted, PredictionPath.JVM, RuntimeOptions.singleThreaded())) {
            expected = ParityRuns.predict(m, new ParityRuns.Batch(ROWS, new float[][] {inputs}), ROWS)[0];
        }
        int outSize = expected.length / ROWS;
        assertThat(outSize).as("(3 steps, 3 filters, 4, 3)").isEqualTo(3 * 3 * 4 * 3);
        for (int r = 0; r < ROWS; r++) {
            List<Float> got = rows.get(r).getList(1);
            assertThat(got).hasSize(outSize);
            for (int k = 0; k < outSize; k++) {
                assertThat(got.get(k)).as("row %d value %d", r, k).isCloseTo(expected[r * outSize + k],
                        within(1e-5f));
            }
        }
    }
}
