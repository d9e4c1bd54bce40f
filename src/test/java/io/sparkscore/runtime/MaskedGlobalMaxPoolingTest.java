package io.sparkscore.runtime;

import io.sparkscore.job.JobOptions;
import io.sparkscore.job.LocalSpark;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.ml.InputBinding;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.keras.KerasArchiveWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Keras mask into GlobalMaxPooling1D. Keras 3's layer does not support masking: it takes the maximum over every
 * step, the masked ones (which Masking zeroes) included, and drops the mask, so a layer after it that refuses masks
 * (Reshape) scores too. tf.keras 2 refuses to build such a model, and sparkscore refuses such a file on both paths.
 */
class MaskedGlobalMaxPoolingTest {

    @TempDir
    Path dir;

    /** x (12) as 4 steps of 3 features, Masking(5) (a step of three 5s is masked and zeroed), max pooling. */
    private static ModelSpec model() {
        RandomNet net = new RandomNet("masked_gmp", 5);
        KerasLayers l = net.layers();
        String pooled = net.chain(net.input("x", 12), l.reshape(4, 3), l.masking(5.0),
                l.globalPooling("Max", 1, false), l.reshape(3, 1));
        return net.build(pooled);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void keras3TakesTheMaximumOverEveryStepTheMaskedOnesIncluded(PredictionPath path) {
        SparkSession spark = LocalSpark.get();
        String data = dir.resolve("rows").toString();
        spark.sql("SELECT 0L AS id, CAST(array(-1, -2, -3, 5, 5, 5, -4, -0.5, -6, -2, -2, -1) AS array<float>) AS x"
                + " UNION ALL SELECT 1L, CAST(array(1, 2, 3, 4, 5, 6, -1, 0, 9, 2, 2, 2) AS array<float>)")
                .write().parquet(data);
        Path model = dir.resolve("gmp.keras");
        KerasArchiveWriter.write(model(), model);
        String out = dir.resolve("scored").toString();

        ScoringJob.Result result = new ScoringJob(spark, JobOptions.builder().setModel(model.toString())
                .setInput(data).setBindings(List.of(InputBinding.array("x", "x"))).optOutput(out)
                .optKeep(List.of("id")).optPath(Optional.of(path)).build()).run();

        assertThat(result.summary().rows().scored()).isEqualTo(2);
        Map<Long, List<Float>> byId = new TreeMap<>();
        for (Row r : spark.read().parquet(out).collectAsList()) {
            byId.put(r.getLong(0), r.getList(1));
        }
        // row 0: the masked step's zeros are the maximum (a mask-honouring max would give -1, -0.5, -1)
        assertThat(byId.get(0L)).containsExactly(0f, 0f, 0f);
        assertThat(byId.get(1L)).containsExactly(4f, 5f, 9f);
    }

    @Test
    void aTfKeras2FileWithAMaskIntoGlobalMaxPooling1DIsRefusedOnBothPaths() {
        ModelSpec keras3 = model();
        ModelSpec keras2 = new ModelSpec(keras3.name(), keras3.sourceFormat(), "2.15.0", keras3.inputs(),
                keras3.layers(), keras3.nodes(), keras3.outputs());

        Map<PredictionPath, String> refused = PredictionPaths.unsupportedPaths(keras2);

        assertThat(refused).containsOnlyKeys(PredictionPath.values());
        assertThat(refused.values()).allSatisfy(why -> assertThat(why).contains("(GlobalMaxPooling1D): receives a"
                + " Keras mask"));
        assertThat(PredictionPaths.unsupportedPaths(keras3)).isEmpty();
    }
}
