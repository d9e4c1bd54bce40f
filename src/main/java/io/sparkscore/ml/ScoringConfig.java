package io.sparkscore.ml;

import io.sparkscore.model.savedmodel.SavedModelOptions;
import io.sparkscore.runtime.PredictionPath;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the scoring stage needs to know, whoever asks: {@link SparkScoreModel}'s params resolve to one, and so do the
 * CLI job's options. Immutable; validated on construction.
 *
 * @param modelPath               Keras file or SavedModel directory (Hadoop FS URI)
 * @param savedModel              the signature and tags to score when the model is a SavedModel
 * @param bindings                where each model input's values come from
 * @param predictionColumns       one name per model output, or empty for the defaults
 * @param outputMode              {@code probabilities}, {@code argmax} or {@code threshold=<t>}
 * @param batchSize               fixed rows per prediction call, or empty to let calibration choose
 * @param path                    fixed prediction path, or empty to let calibration choose
 * @param calibrationRows         how many input rows calibration samples
 * @param calibrationBudgetMillis the most calibration may spend measuring
 * @param planStore               Hadoop FS directory where calibrated plans are kept for reuse, or null
 * @param allowNaN                whether NaN feature values are scored rather than treated as bad rows
 * @param broadcastThresholdBytes models with more weight bytes than this are read by each executor from the
 *                                model path instead of being broadcast
 */
public record ScoringConfig(String modelPath, SavedModelOptions savedModel, List<InputBinding> bindings,
                            List<String> predictionColumns, String outputMode, Optional<Integer> batchSize,
                            Optional<PredictionPath> path, Calibration calibration, int calibrationRows,
                            long calibrationBudgetMillis, String planStore, boolean allowNaN,
                            long broadcastThresholdBytes) implements Serializable {

    /** The name a single-output model's prediction column gets unless one is given. */
    public static final String DEFAULT_PREDICTION_COLUMN = "prediction";
    /** What {@code outputMode} is unless one is given: the model's raw outputs. */
    public static final String DEFAULT_OUTPUT_MODE = "probabilities";
    public static final int DEFAULT_BATCH_WITHOUT_CALIBRATION = 1024;
    public static final int DEFAULT_CALIBRATION_ROWS = 4096;
    public static final long DEFAULT_CALIBRATION_BUDGET_MILLIS = 30_000;
    /** Broadcasts stay well below Spark's 2 GiB block limit and leave executor memory for scoring. */
    public static final long DEFAULT_BROADCAST_THRESHOLD_BYTES = 512L << 20;

    public ScoringConfig {
        bindings = List.copyOf(bindings);
        predictionColumns = List.copyOf(predictionColumns);
        Objects.requireNonNull(savedModel, "savedModel");
        Objects.requireNonNull(calibration, "calibration");
        ScoringRules.requireModel(modelPath, "set the model path");
        ScoringRules.requireFeatures(bindings, "set feature columns, a features array column or an input mapping");
        ScoringRules.checkBatchSize(batchSize, "the batch size");
        ScoringRules.checkCalibrationRows(calibrationRows);
        ScoringRules.checkCalibrationBudget(calibrationBudgetMillis);
    }

    /** Whether scoring measures before it starts. */
    public boolean calibrates() {
        return calibration.calibrates(batchSize.isPresent(), path.isPresent());
    }
}
