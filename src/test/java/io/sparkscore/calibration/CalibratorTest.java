package io.sparkscore.calibration;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SampleModels;
import io.sparkscore.model.SequentialBuilder;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.ModelSignature;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.PredictionPaths;
import io.sparkscore.runtime.RuntimeOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Calibration on real models and both real paths. Assertions are on the shape of decisions from measured data
 * (which way throughput moves, which layer is named), never on absolute times.
 */
class CalibratorTest {

    private final Map<PredictionPath, LoadedModel> loaded = new EnumMap<>(PredictionPath.class);

    @AfterEach
    void close() {
        loaded.values().forEach(LoadedModel::close);
        loaded.clear();
    }

    private ModelProvider provider(ModelSpec spec) {
        return (path, threads) -> loaded.computeIfAbsent(path,
                p -> PredictionPaths.load(spec, p, new RuntimeOptions(threads)));
    }

    /** A model whose per-row compute dominates a call: 64 → 256 → 256 → 10. */
    private static ModelSpec computeHeavy() {
        Random r = new Random(11);
        return new SequentialBuilder("mlp", new int[] {64})
                .add(SampleModels.dense("d1", 64, 256, "relu", r))
                .add(SampleModels.dense("d2", 256, 256, "relu", r))
                .add(SampleModels.dense("d3", 256, 10, "softmax", r))
                .build();
    }

    private static CalibrationSample sample(ModelSpec spec, int rows) {
        ModelSignature sig = ModelSignature.of(spec);
        Random r = new Random(5);
        float[][] inputs = new float[sig.inputCount()][];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = new float[rows * sig.inputSize(i)];
            for (int k = 0; k < inputs[i].length; k++) {
                inputs[i][k] = (float) r.nextGaussian();
            }
        }
        return new CalibrationSample(sig, inputs, rows);
    }

    @Test
    void tfThroughputClimbsWithBatchSizeWhenComputeDominatesAndALargeBatchIsChosen() {
        ModelSpec spec = computeHeavy();
        CalibrationSettings settings = CalibrationSettings.defaults().withLadder(1, 16, 256)
                .withBudget(50, 200, 20_000);
        CalibrationReport report = new Calibrator(settings).run(List.of(PredictionPath.TF, PredictionPath.JVM),
                Map.of(), provider(spec), sample(spec, 512), "test");

        Map<Integer, Double> tf = new java.util.HashMap<>();
        report.measurements().stream().filter(m -> m.path() == PredictionPath.TF)
                .forEach(m -> tf.put(m.batchSize(), m.rowsPerSecond()));
        assertThat(tf.get(256)).as("tf rows/s at batch 256 vs 1: %s", tf).isGreaterThan(4 * tf.get(1));
        assertThat(report.chosen().batchSize()).isGreaterThan(1);
        assertThat(report.maxAbsDifference()).isLessThan(1e-5);
    }

    @Test
    void everyCandidateIsMeasuredWithinItsBudgetAndTheBestPlanIsChosen() {
        ModelSpec spec = SampleModels.tiny(3);
        CalibrationSettings settings = CalibrationSettings.defaults().withLadder(1, 32, 1024)
                .withBudget(20, 100, 20_000);
        CalibrationReport report = new Calibrator(settings).run(List.of(PredictionPath.JVM, PredictionPath.TF),
                Map.of(), provider(spec), sample(spec, 256), "test");

        assertThat(report.measurements()).hasSizeGreaterThanOrEqualTo(4);
        double best = report.measurements().stream().mapToDouble(Measurement::rowsPerSecond).max().orElseThrow();
        Measurement chosen = report.measurements().stream().filter(m -> m.plan().equals(report.chosen()))
                .findFirst().orElseThrow();
        assertThat(chosen.rowsPerSecond()).isGreaterThanOrEqualTo(best * (1 - settings.tieTolerance()));
        assertThat(report.measurements()).allSatisfy(m -> assertThat(m.batches()).isGreaterThanOrEqualTo(3));
    }

    @Test
    void aDisagreementBetweenThePathsFailsNamingTheFirstDivergingLayer() {
        ModelSpec spec = computeHeavy();
        CalibrationSettings exact = CalibrationSettings.defaults().withParityTolerance(0);
        assertThatThrownBy(() -> new Calibrator(exact).run(List.of(PredictionPath.JVM, PredictionPath.TF), Map.of(),
                provider(spec), sample(spec, 64), "test"))
                .isInstanceOf(CalibrationException.class)
                .hasMessageStartingWith("prediction paths disagree: jvm gave ")
                .hasMessageContaining("they first diverge at layer 'd")
                .hasMessageContaining("score with --path jvm or --path tf meanwhile");
    }

    @Test
    void layerDivergenceFindsNothingWithinTolerance() {
        ModelSpec spec = computeHeavy();
        assertThat(LayerDivergence.first(spec, PredictionPath.JVM, PredictionPath.TF, sample(spec, 64), 64, 1e-4))
                .isEmpty();
    }
}
