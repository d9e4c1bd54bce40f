package io.sparkscore.runtime;

import io.sparkscore.job.JobOptions;
import io.sparkscore.job.LocalSpark;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.ml.InputBinding;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.keras.KerasFixtures;
import io.sparkscore.model.keras.KerasModelReader;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real tf.keras 2.11 file {@code keras_attention_functional.h5} (Input(22) → Dense(32, relu) → Attention([d, d])
 * → Concatenate([d, attention]) → Dense(32, relu) → Dense(1, relu)) scores through {@link ScoringJob} on each path,
 * matching a float64 reference computed here from the file's weights. Its Attention sees rank-2 tensors, which have
 * no position axis: Keras' matmul would attend across the rows of the batch it is called on; for one row, which is
 * what sparkscore scores, the softmax over the single score is 1 and the attention output is the row's value, so the
 * reference is {@code Dense(1)(Dense(32)([d, d]))}.
 */
class AttentionFixtureScoringTest {

    private static final int ROWS = 30;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void attentionFixtureScoresAsKerasDoesForOneRow(PredictionPath path) {
        Path file = KerasFixtures.file("dl4j/keras_attention_functional.h5");
        ModelSpec spec = KerasModelReader.read(file.toString(), new Configuration());
        SparkSession spark = LocalSpark.get();
        Column[] x = new Column[22];
        for (int i = 0; i < x.length; i++) {
            x[i] = rand(31 + i).multiply(4).minus(2);
        }
        String data = dir.resolve("rows").toString();
        spark.range(ROWS).select(col("id"), array(x).cast("array<float>").as("x")).write().parquet(data);
        String out = dir.resolve("scored").toString();

        ScoringJob.Result result = new ScoringJob(spark, JobOptions.builder().setModel(file.toString())
                .setInput(data).setBindings(List.of(InputBinding.array(InputBinding.SINGLE_INPUT, "x")))
                .optOutput(out).optKeep(List.of("id", "x")).optBatchSize(Optional.of(7)).optPath(Optional.of(path))
                .build()).run();

        assertThat(result.summary().rows().scored()).isEqualTo(ROWS);
        List<Row> rows = spark.read().parquet(out).collectAsList();
        assertThat(rows).hasSize(ROWS);
        double worst = 0;
        for (Row r : rows) {
            List<Float> features = r.getList(1);
            double expected = reference(spec, features);
            worst = Math.max(worst, Math.abs(r.getFloat(2) - expected));
        }
        assertThat(worst).as("max abs error on %s", path).isLessThan(1e-5);
    }

    private static double reference(ModelSpec spec, List<Float> features) {
        double[] in = new double[features.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = features.get(i);
        }
        double[] d = denseRelu(spec.layer("dense"), in);
        double[] attention = d;
        double[] concat = new double[d.length + attention.length];
        System.arraycopy(d, 0, concat, 0, d.length);
        System.arraycopy(attention, 0, concat, d.length, attention.length);
        return denseRelu(spec.layer("outputs"), denseRelu(spec.layer("dense_1"), concat))[0];
    }

    private static double[] denseRelu(LayerSpec layer, double[] x) {
        float[] kernel = layer.weight("kernel").data();
        float[] bias = layer.weight("bias").data();
        double[] y = new double[bias.length];
        for (int j = 0; j < y.length; j++) {
            double s = bias[j];
            for (int i = 0; i < x.length; i++) {
                s += x[i] * kernel[i * y.length + j];
            }
            y[j] = Math.max(0, s);
        }
        return y;
    }
}
