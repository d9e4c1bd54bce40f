package io.sparkscore.runtime.tf;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SampleModels;
import io.sparkscore.model.savedmodel.SavedModelReader;
import io.sparkscore.model.savedmodel.TinySavedModel;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.PredictionException;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.PredictionPaths;
import io.sparkscore.runtime.Predictor;
import io.sparkscore.runtime.RuntimeOptions;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SavedModelPredictionTest {

    private static final Configuration CONF = new Configuration();
    private static final List<String> SERVE = List.of("serve");
    private static final ModelSpec TINY = SampleModels.tiny(7);

    @TempDir
    static Path tmp;
    static ModelSpec savedModel;

    @BeforeAll
    static void export() throws IOException {
        savedModel = read(TinySavedModel.export(TINY, tmp.resolve("f32")));
    }

    private static ModelSpec read(Path dir) {
        return SavedModelReader.read(dir.toString(), CONF, "serving_default", SERVE);
    }

    private static float[] features(int rows) {
        Random random = new Random(3);
        float[] x = new float[rows * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    private static float[] predict(LoadedModel model, float[] x, int rows) {
        float[] y = new float[rows];
        try (Predictor p = model.newPredictor(rows)) {
            p.predict(new float[][] {x}, rows, new float[][] {y});
        }
        return y;
    }

    @Test
    void matchesTheGraphBuiltFromTheSameWeightsForEveryBatchSize() {
        try (LoadedModel sm = PredictionPaths.load(savedModel, PredictionPath.TF, RuntimeOptions.singleThreaded());
             LoadedModel keras = PredictionPaths.load(TINY, PredictionPath.TF, RuntimeOptions.singleThreaded())) {
            assertThat(sm).isInstanceOf(TfSavedModel.class);
            for (int rows : new int[] {1, 7, 256}) {
                float[] x = features(rows);
                float[] expected = predict(keras, x, rows);
                float[] actual = predict(sm, x, rows);
                for (int r = 0; r < rows; r++) {
                    assertThat(actual[r]).as("row %d of %d", r, rows).isCloseTo(expected[r], within(1e-6f));
                }
            }
        }
    }

    @Test
    void float64InputsAndOutputsAreConvertedFromAndToFloats() throws IOException {
        ModelSpec f64 = read(TinySavedModel.export(TINY, tmp.resolve("f64"), TFloat64.class, TFloat64.class,
                "serve", "serving_default"));
        try (LoadedModel sm = TfSavedModel.load(f64, RuntimeOptions.singleThreaded());
             LoadedModel keras = PredictionPaths.load(TINY, PredictionPath.TF, RuntimeOptions.singleThreaded())) {
            float[] x = features(5);
            float[] expected = predict(keras, x, 5);
            float[] actual = predict(sm, x, 5);
            for (int r = 0; r < 5; r++) {
                assertThat(actual[r]).isCloseTo(expected[r], within(1e-6f));
            }
        }
    }

    @Test
    void integerInputsTakeWholeNumbersAndRefuseFractions() throws IOException {
        ModelSpec ints = read(TinySavedModel.export(TINY, tmp.resolve("i32"), TInt32.class, TFloat32.class,
                "serve", "serving_default"));
        try (LoadedModel sm = TfSavedModel.load(ints, RuntimeOptions.singleThreaded());
             LoadedModel keras = PredictionPaths.load(TINY, PredictionPath.TF, RuntimeOptions.singleThreaded())) {
            float[] whole = {1, -2, 3, 0};
            assertThat(predict(sm, whole, 1)[0]).isCloseTo(predict(keras, whole, 1)[0], within(1e-6f));
            assertThatThrownBy(() -> predict(sm, new float[] {1, 2.5f, 3, 4}, 1))
                    .isInstanceOf(PredictionException.class)
                    .hasMessage("input 'x' is int32 but value 1 of the batch is 2.5, which is not a whole number in"
                            + " +-2^24 (the integers a float feature holds exactly); feed integer ids or counts to"
                            + " integer inputs");
        }
    }

    @Test
    void onlyTheTfPathRunsASavedModel() {
        Map<PredictionPath, String> unsupported = PredictionPaths.unsupportedPaths(savedModel);
        assertThat(unsupported).containsOnlyKeys(PredictionPath.JVM);
        assertThat(unsupported.get(PredictionPath.JVM))
                .isEqualTo("layer 'y' (SavedModelOutput): a TensorFlow SavedModel runs only on the tf path");
    }

    @Test
    void closeDeletesTheUnpackedDirectoryIsIdempotentAndLaterUseSaysClosed() {
        TfSavedModel sm = TfSavedModel.load(savedModel, RuntimeOptions.singleThreaded());
        Path dir = sm.directory();
        assertThat(dir.resolve("saved_model.pb")).exists();
        sm.close();
        sm.close();
        assertThat(dir).doesNotExist();
        assertThatThrownBy(() -> sm.newPredictor(1)).isInstanceOf(PredictionException.class)
                .hasMessage("TensorFlow SavedModel 'f32' (" + savedModel.shortHash() + ") is closed; it was shut"
                        + " down or evicted, load it again to score more rows");
    }

    @Test
    void aSavedModelWithCorruptVariablesFailsToLoadClearly() throws IOException {
        Path dir = TinySavedModel.export(TINY, tmp.resolve("badvars"));
        Files.write(dir.resolve("variables/variables.index"), "not a checkpoint index".getBytes());
        ModelSpec spec = read(dir);
        assertThatThrownBy(() -> TfSavedModel.load(spec, RuntimeOptions.singleThreaded()))
                .isInstanceOf(PredictionException.class)
                .hasMessageStartingWith("TensorFlow cannot load the SavedModel of model 'badvars' with tags [serve]: ")
                .hasMessageEndingWith("; check that the directory is a complete SavedModel (saved_model.pb and"
                        + " variables/)");
    }
}
