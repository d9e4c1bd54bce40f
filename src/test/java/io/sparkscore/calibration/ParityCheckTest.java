package io.sparkscore.calibration;

import io.sparkscore.ml.InputBinding;
import io.sparkscore.job.JobOptions;
import io.sparkscore.job.LocalSpark;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SampleModels;
import io.sparkscore.model.SequentialBuilder;
import io.sparkscore.model.Tensor;
import io.sparkscore.model.keras.KerasArchiveWriter;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.ModelSignature;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.PredictionPaths;
import io.sparkscore.runtime.RuntimeOptions;
import org.junit.jupiter.api.AfterEach;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The parity check between the paths allows what float32 rounding grows into for the model at hand, and no more: an
 * accurate model with heavy cancellation passes, a path computing something slightly different fails.
 */
class ParityCheckTest {

    private static final int FEATURES = 48;
    private final Map<String, LoadedModel> loaded = new LinkedHashMap<>();

    @AfterEach
    void close() {
        loaded.values().forEach(LoadedModel::close);
        loaded.clear();
    }

    /** Each path runs its own spec, so a test can give one path a model that differs from the other's. */
    private ModelProvider provider(Map<PredictionPath, ModelSpec> specs) {
        return (path, threads) -> loaded.computeIfAbsent(path.id(),
                p -> PredictionPaths.load(specs.get(path), path, new RuntimeOptions(threads)));
    }

    /** Input(48) → LayerNormalization → Dense(4): normalising values near 50 cancels their leading digits. */
    private static ModelSpec layerNormalization(float betaShift) {
        Random r = new Random(3);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("axis", -1);
        config.put("epsilon", 1e-3);
        config.put("center", true);
        config.put("scale", true);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("gamma", SampleModels.uniform("gamma", new int[] {FEATURES}, 2, r));
        Tensor beta = SampleModels.uniform("beta", new int[] {FEATURES}, 0.5, r);
        beta.data()[0] += betaShift;
        weights.put("beta", beta);
        LayerSpec ln = new LayerSpec("ln", "LayerNormalization", new LayerConfig("ln", "LayerNormalization", config),
                weights);
        return new SequentialBuilder("ln_model", new int[] {FEATURES})
                .add(ln)
                .add(SampleModels.dense("d", FEATURES, 4, "linear", r))
                .build();
    }

    /** Rows near 50 with a small spread, as in the model that a fixed 1e-5 tolerance refused. */
    private static CalibrationSample offsetRows(ModelSpec spec, int rows) {
        return new CalibrationSample(ModelSignature.of(spec), new float[][] {offsetValues(rows)}, rows);
    }

    private static float[] offsetValues(int rows) {
        Random r = new Random(9);
        float[] x = new float[rows * FEATURES];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) (50 + 0.05 * r.nextGaussian());
        }
        return x;
    }

    private static CalibrationSettings quick() {
        return CalibrationSettings.defaults().withLadder(16, 64).withBudget(10, 50, 5_000);
    }

    @Test
    void anAccurateModelWhoseRoundingGrowsPastTheFixedToleranceIsAccepted() {
        ModelSpec spec = layerNormalization(0);
        CalibrationReport report = new Calibrator(quick()).run(List.of(PredictionPath.JVM, PredictionPath.TF),
                Map.of(), provider(new EnumMap<>(Map.of(PredictionPath.JVM, spec, PredictionPath.TF, spec))),
                offsetRows(spec, 64), "test");

        // the fixed relative tolerance alone (1e-5 of values below ~10) would have refused these paths ...
        assertThat(report.maxAbsDifference()).isGreaterThan(1e-4);
        assertThat(report.chosen()).isNotNull();
        // ... yet both are as close to the float64 result as float32 allows here
        float[] x = offsetValues(64);
        double[] exact = float64Reference(spec, x, 64);
        for (PredictionPath path : List.of(PredictionPath.JVM, PredictionPath.TF)) {
            float[] out = new float[64 * 4];
            try (var p = loaded.get(path.id()).newPredictor(64)) {
                p.predict(new float[][] {x}, 64, new float[][] {out});
            }
            for (int k = 0; k < out.length; k++) {
                assertThat((double) out[k]).as("%s value %d", path, k).isCloseTo(exact[k],
                        org.assertj.core.api.Assertions.within(3e-4));
            }
        }
    }

    /** The default run (calibration over both paths) scores the model instead of aborting on the paths' parity. */
    @Test
    void theDefaultRunScoresTheModelThroughTheJob(@TempDir Path dir) {
        ModelSpec spec = layerNormalization(0);
        Path model = dir.resolve("ln.keras");
        KerasArchiveWriter.write(spec, model);
        SparkSession spark = LocalSpark.get();
        String data = dir.resolve("rows").toString();
        // values 50 +- 0.1, scattered by a hash of (row, feature)
        spark.range(300).selectExpr("id", "transform(sequence(1, " + FEATURES + "), i -> cast(50 + 0.05 *"
                + " (hash(id, i) % 1000) / 500.0 as float)) as x").write().parquet(data);
        JobOptions options = JobOptions.builder().setModel(model.toString())
                .setInput(data).setBindings(List.of(InputBinding.array(InputBinding.SINGLE_INPUT, "x")))
                .optOutput(dir.resolve("scored").toString()).optKeep(List.of("id")).optCalibrationRows(128)
                .optCalibrationBudgetMillis(2_000).build();
        // a job this small builds no TensorFlow model just to calibrate; one this JVM scored with before is compared
        new ScoringJob(spark, options.toBuilder().optOutput(dir.resolve("scored-tf").toString())
                .optPath(Optional.of(PredictionPath.TF)).optBatchSize(Optional.of(64)).build()).run();

        ScoringJob.Result result = new ScoringJob(spark, options).run();

        assertThat(result.calibration()).as("calibration compared both paths").isNotNull();
        // beyond what the fixed 1e-5 relative tolerance allows for outputs of this size (below ~10)
        assertThat(result.calibration().maxAbsDifference()).isGreaterThan(1e-4);
        assertThat(result.summary().rows().scored()).isEqualTo(300);
    }

    /** LayerNormalization and Dense in double precision. */
    private static double[] float64Reference(ModelSpec spec, float[] x, int rows) {
        LayerSpec ln = spec.layer("ln");
        LayerSpec d = spec.layer("d");
        float[] gamma = ln.weight("gamma").data();
        float[] beta = ln.weight("beta").data();
        float[] kernel = d.weight("kernel").data();
        float[] bias = d.weight("bias").data();
        double[] out = new double[rows * 4];
        for (int r = 0; r < rows; r++) {
            double mean = 0;
            for (int i = 0; i < FEATURES; i++) {
                mean += x[r * FEATURES + i];
            }
            mean /= FEATURES;
            double var = 0;
            for (int i = 0; i < FEATURES; i++) {
                double c = x[r * FEATURES + i] - mean;
                var += c * c;
            }
            var /= FEATURES;
            double[] y = new double[FEATURES];
            for (int i = 0; i < FEATURES; i++) {
                y[i] = (x[r * FEATURES + i] - mean) / Math.sqrt(var + 1e-3) * gamma[i] + beta[i];
            }
            for (int u = 0; u < 4; u++) {
                double sum = bias[u];
                for (int i = 0; i < FEATURES; i++) {
                    sum += y[i] * kernel[i * 4 + u];
                }
                out[r * 4 + u] = sum;
            }
        }
        return out;
    }

    @Test
    void aPathComputingSomethingSlightlyDifferentIsStillCaught() {
        Map<PredictionPath, ModelSpec> specs = new EnumMap<>(Map.of(PredictionPath.JVM, layerNormalization(0),
                PredictionPath.TF, layerNormalization(0.01f)));
        assertThatThrownBy(() -> new Calibrator(quick()).run(List.of(PredictionPath.JVM, PredictionPath.TF),
                Map.of(), provider(specs), offsetRows(specs.get(PredictionPath.JVM), 64), "test"))
                .isInstanceOf(CalibrationException.class)
                .hasMessageStartingWith("prediction paths disagree: jvm gave ")
                .hasMessageContaining("relative plus float32 rounding growth");
    }
}
