package io.sparkscore.job;

import io.sparkscore.calibration.Measurement;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.savedmodel.TinySavedModel;
import io.sparkscore.runtime.PredictionPath;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** A TensorFlow SavedModel scored through the whole job, against the .keras file of the same weights. */
class SavedModelScoringTest {

    @TempDir
    static Path dir;
    static TinyModelFixture tiny;
    static Path savedModel;
    static SparkSession spark;

    @BeforeAll
    static void setUp() throws IOException {
        spark = LocalSpark.get();
        tiny = new TinyModelFixture(dir, 500, 4);
        savedModel = TinySavedModel.export(tiny.spec, dir.resolve("tiny_savedmodel"));
    }

    private static JobOptions.Builder options(String model, String output) {
        return JobOptions.builder()
                .setModel(model).setInput(tiny.inputDir.toString()).setFeatures(List.of("f1", "f2", "f3", "f4"))
                .optOutput(dir.resolve(output).toString()).optKeep(List.of("id"))
                .optCalibrationRows(256).optCalibrationBudgetMillis(3_000).optPlanStore(null);
    }

    private static Map<Long, Float> predictions(String output) {
        Map<Long, Float> byId = new HashMap<>();
        for (Row r : spark.read().parquet(dir.resolve(output).toString()).collectAsList()) {
            byId.put(r.getLong(0), r.getFloat(1));
        }
        return byId;
    }

    @Test
    void calibratesOnTfAloneAndMatchesTheKerasFileOfTheSameWeights() {
        ScoringJob.Result sm = new ScoringJob(spark, options(savedModel.toString(), "out-sm").build()).run();
        new ScoringJob(spark, options(tiny.modelFile.toString(), "out-keras").optBatchSize(Optional.of(64))
                .optPath(Optional.of(PredictionPath.TF)).build()).run();

        assertThat(sm.calibration().measurements()).extracting(Measurement::path).containsOnly(PredictionPath.TF);
        assertThat(sm.calibration().excludedPaths()).containsOnly(Map.entry("jvm",
                "layer 'y' (SavedModelOutput): a TensorFlow SavedModel runs only on the tf path"));
        assertThat(sm.summary().plan().path()).isEqualTo("tf");
        assertThat(sm.summary().model().format()).isEqualTo("tf-savedmodel");
        Map<Long, Float> fromSavedModel = predictions("out-sm");
        Map<Long, Float> fromKeras = predictions("out-keras");
        assertThat(fromSavedModel).hasSize(500);
        assertThat(fromSavedModel.keySet()).isEqualTo(fromKeras.keySet());
        fromKeras.forEach((id, p) -> {
            assertThat(fromSavedModel.get(id)).as("row %d", id).isCloseTo(p, within(1e-6f));
            assertThat((double) fromSavedModel.get(id)).as("row %d", id).isCloseTo(tiny.expected(id), within(1e-6));
        });
    }

    @Test
    void executorsReadTheDirectoryThemselvesWhenTheModelIsNotBroadcast() {
        ScoringJob.Result result = new ScoringJob(spark, options("file://" + savedModel, "out-shared")
                .optBroadcastThresholdBytes(0).optBatchSize(Optional.of(32)).optPath(Optional.of(PredictionPath.TF))
                .build()).run();

        assertThat(result.summary().model().route()).isEqualTo("shared-fs");
        Map<Long, Float> byId = predictions("out-shared");
        assertThat(byId).hasSize(500);
        byId.forEach((id, p) -> assertThat((double) p).isCloseTo(tiny.expected(id), within(1e-6)));
    }

    @Test
    void theJvmPathIsRefusedWithTheReason() {
        JobOptions jvm = options(savedModel.toString(), "out-jvm").optPath(Optional.of(PredictionPath.JVM)).build();
        assertThatThrownBy(() -> new ScoringJob(spark, jvm).run())
                .isInstanceOf(ModelException.class)
                .hasMessage("no prediction path can run model " + savedModel + ": {tf=--path jvm was requested,"
                        + " jvm=layer 'y' (SavedModelOutput): a TensorFlow SavedModel runs only on the tf path}");
    }

    @Test
    void anUnknownSignatureOrTagSetIsRefusedBeforeScoring() {
        JobOptions signature = options(savedModel.toString(), "out-sig")
                .optSavedModel("predict", List.of("serve")).build();
        assertThatThrownBy(() -> new ScoringJob(spark, signature).run())
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(savedModel + ": has no signature 'predict' in the MetaGraphDef tagged [serve]; available"
                        + " signatures: [serving_default]; pass one of them with --signature");
        JobOptions tags = options(savedModel.toString(), "out-tags")
                .optSavedModel("serving_default", List.of("train")).build();
        assertThatThrownBy(() -> new ScoringJob(spark, tags).run())
                .isInstanceOf(ModelFormatException.class)
                .hasMessage(savedModel + ": has no MetaGraphDef tagged [train]; available tag sets: [[serve]]; pass"
                        + " one of them with --tags");
    }
}
