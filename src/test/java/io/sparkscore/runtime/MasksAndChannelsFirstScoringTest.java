package io.sparkscore.runtime;

import io.sparkscore.job.JobOptions;
import io.sparkscore.job.LocalSpark;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.ml.InputBinding;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.keras.KerasArchiveWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.rand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The options the jvm path gained besides new classes, through the user's entry point: one model holding a
 * channels_first convolution and Flatten, Embedding({@code mask_zero}) into a GRU, and Masking into a Bidirectional
 * LSTM returning sequences and a masked GlobalAveragePooling1D is scored by {@link ScoringJob} on each path, and the
 * paths' columns agree row by row.
 */
class MasksAndChannelsFirstScoringTest {

    private static final int ROWS = 30;

    @TempDir
    Path dir;

    private ModelSpec model() {
        RandomNet net = new RandomNet("masks_and_channels_first", 11);
        KerasLayers l = net.layers();
        String x = net.input("x", 12);
        String ids = net.input("ids", 6);
        String image = net.chain(x, l.reshape(2, 3, 2));
        String conv = net.chain(image, KerasLayers.withDataFormat(l.conv(2, 3, new int[] {2, 2}, new int[] {1, 1},
                "same", new int[] {1, 1}, 1, "relu", true), "channels_first"),
                KerasLayers.withDataFormat(l.flatten(), "channels_first"));
        String words = net.chain(ids, KerasLayers.withMaskZero(l.embedding(4, 3), true),
                l.gru(3, 2, "tanh", "sigmoid", true, false, false));
        // ReLU makes whole steps zero, which Masking(0) then masks
        String steps = net.chain(x, l.reshape(6, 2), l.activation("relu"), l.masking(0.0),
                l.bidirectional("concat", l.lstm(2, 2, "tanh", "sigmoid", true, true, false),
                        l.lstm(2, 2, "tanh", "sigmoid", true, true, true)),
                l.globalPooling("Average", 1, false));
        return net.build(conv, words, steps);
    }

    @Test
    void bothPathsScoreTheModelThroughTheJobAndAgree() {
        SparkSession spark = LocalSpark.get();
        Column[] x = new Column[12];
        for (int i = 0; i < x.length; i++) {
            x[i] = rand(i).multiply(2).minus(1);
        }
        Column[] ids = new Column[6];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = floor(rand(50 + i).multiply(4));
        }
        String data = dir.resolve("rows").toString();
        spark.range(ROWS).select(col("id"), array(x).cast("array<float>").as("x"),
                array(ids).cast("array<float>").as("ids")).write().parquet(data);
        Path modelFile = dir.resolve("model.keras");
        KerasArchiveWriter.write(model(), modelFile);

        Map<PredictionPath, Map<Long, Row>> scored = new EnumMap<>(PredictionPath.class);
        for (PredictionPath path : PredictionPath.values()) {
            String out = dir.resolve("scored-" + path.id()).toString();
            JobOptions options = JobOptions.builder().setModel(modelFile.toString()).setInput(data)
                    .setBindings(List.of(InputBinding.array("x", "x"), InputBinding.array("ids", "ids")))
                    .optOutput(out).optKeep(List.of("id")).optBatchSize(Optional.of(7)).optPath(Optional.of(path))
                    .build();
            ScoringJob.Result result = new ScoringJob(spark, options).run();
            assertThat(result.summary().rows().scored()).as(path.id()).isEqualTo(ROWS);
            Map<Long, Row> byId = new TreeMap<>();
            for (Row r : spark.read().parquet(out).collectAsList()) {
                byId.put(r.getLong(0), r);
            }
            scored.put(path, byId);
        }
        Map<Long, Row> tf = scored.get(PredictionPath.TF);
        Map<Long, Row> jvm = scored.get(PredictionPath.JVM);
        assertThat(jvm.keySet()).isEqualTo(tf.keySet()).hasSize(ROWS);
        for (long id : tf.keySet()) {
            Row a = tf.get(id);
            Row b = jvm.get(id);
            for (int c = 1; c < a.size(); c++) {
                List<Float> ta = a.getList(c);
                List<Float> tb = b.getList(c);
                assertThat(tb).as("row %d column %d", id, c).hasSameSizeAs(ta);
                for (int k = 0; k < ta.size(); k++) {
                    assertThat((double) tb.get(k)).as("row %d column %d value %d", id, c, k)
                            .isCloseTo(ta.get(k), within(1e-5 * Math.max(1, Math.abs(ta.get(k)))));
                }
            }
        }
    }
}
