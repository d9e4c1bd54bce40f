package io.sparkscore.calibration;

import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.ParityTolerance;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.Predictor;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Checks that every path calibration measures computes the same model: the outputs of the path listed first (in the
 * order the caller gave the paths, whichever is measured first) on the first sampled rows are the reference, and
 * each other path must match them within the tolerance that float32 rounding allows for this model on the reference
 * path ({@link ParityTolerance}). A path calibration skips is never compared, and never chosen.
 */
final class ParityCheck {

    private static final int PARITY_ROWS = 64;

    private final BatchCodec codec;
    private final double tolerance;
    private final int rows;
    private final List<PredictionPath> order;
    private LoadedModel reference;
    private float[][] referenceOutputs;
    private ParityTolerance allowed;
    private double maxAbsDifference;
    private int paths;

    /** @param order the paths as the caller listed them: the first of them measured is the reference */
    ParityCheck(BatchCodec codec, double tolerance, List<PredictionPath> order) {
        this.codec = codec;
        this.tolerance = tolerance;
        this.order = List.copyOf(order);
        this.rows = Math.min(PARITY_ROWS, codec.rows());
    }

    /** Compares {@code model}'s outputs with the reference path's. */
    void add(LoadedModel model) {
        float[][] outputs = predict(model);
        paths++;
        if (reference == null) {
            reference = model;
            referenceOutputs = outputs;
            return;
        }
        if (allowed == null && order.indexOf(model.path()) < order.indexOf(reference.path())) {
            // the path listed first arrived second: it becomes the reference, and the earlier one is compared
            LoadedModel earlier = reference;
            float[][] earlierOutputs = referenceOutputs;
            reference = model;
            referenceOutputs = outputs;
            model = earlier;
            outputs = earlierOutputs;
        }
        if (allowed == null) {
            codec.encode(rows, 0);
            allowed = ParityTolerance.measure(reference, codec.inputs(), codec.rowStarts(), rows, referenceOutputs,
                    tolerance);
        }
        compare(model, outputs);
    }

    private void compare(LoadedModel model, float[][] outputs) {
        for (int j = 0; j < referenceOutputs.length; j++) {
            for (int k = 0; k < referenceOutputs[j].length; k++) {
                float a = referenceOutputs[j][k];
                float b = outputs[j][k];
                maxAbsDifference = Math.max(maxAbsDifference, Math.abs(a - b));
                if (!allowed.agrees(j, k, a, b)) {
                    throw disagreement(reference.path(), model.path(), a, b, j, k, allowed.allowed(j, k, a));
                }
            }
        }
    }

    /** The largest difference seen between two paths; 0 while fewer than two were compared. */
    double maxAbsDifference() {
        return maxAbsDifference;
    }

    /** How many paths were compared. */
    int paths() {
        return paths;
    }

    private float[][] predict(LoadedModel model) {
        codec.reserve(rows);
        codec.encode(rows, 0);
        try (Predictor p = model.newPredictor(rows)) {
            p.predict(codec.inputs(), codec.rowStarts(), rows, codec.outputs());
        }
        float[][] out = codec.outputs().clone();
        for (int j = 0; j < out.length; j++) {
            out[j] = Arrays.copyOf(out[j], rows * model.signature().outputSize(j));
        }
        return out;
    }

    private CalibrationException disagreement(PredictionPath a, PredictionPath b, float valueA, float valueB,
                                              int output, int index, double allowedAt) {
        String where = LayerDivergence.first(reference.spec(), a, b, codec, rows, tolerance)
                .map(d -> "; they first diverge at layer '" + d.node() + "' (" + d.layerClass() + "), by up to "
                        + String.format(Locale.ROOT, "%.3g", d.maxAbsDifference()))
                .orElse("");
        return new CalibrationException(String.format(Locale.ROOT,
                "prediction paths disagree: %s gave %s but %s gave %s for output %d, value %d (allowed %.1e: %.0e"
                        + " relative plus float32 rounding growth)%s; the model is not computed the same way on both"
                        + " paths - report it with the model, and score with --path %s or --path %s meanwhile",
                a.id(), valueA, b.id(), valueB, output, index, allowedAt, tolerance, where, a.id(), b.id()));
    }
}
