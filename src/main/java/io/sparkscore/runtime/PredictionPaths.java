package io.sparkscore.runtime;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.OpenDimensions;
import io.sparkscore.model.layers.KerasMasks;
import io.sparkscore.runtime.jvm.JvmModel;
import io.sparkscore.runtime.jvm.JvmSupport;
import io.sparkscore.runtime.tf.TfModel;
import io.sparkscore.runtime.tf.TfSavedModel;
import io.sparkscore.runtime.tf.TfSupport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The one place that knows which implementation serves each {@link PredictionPath}. */
public final class PredictionPaths {

    private PredictionPaths() {
    }

    /** Builds the uncompiled model for a path; the caller owns (and closes) the result. */
    public static LoadedModel load(ModelSpec spec, PredictionPath path, RuntimeOptions options) {
        if (!TfSavedModel.isSavedModel(spec) && hasOpenInput(spec)) {
            return new OpenLengthModel(spec, path, fixed -> load(fixed, path, options));
        }
        return switch (path) {
            case TF -> TfSavedModel.isSavedModel(spec) ? TfSavedModel.load(spec, options) : TfModel.load(spec, options);
            case JVM -> JvmModel.load(spec);
        };
    }

    private static boolean hasOpenInput(ModelSpec spec) {
        return spec.inputs().stream().anyMatch(in -> OpenDimensions.openAxis(in.shape()) >= 0);
    }

    /** Why the path cannot run this layer, or empty when it can. */
    public static Optional<String> whyUnsupported(PredictionPath path, LayerSpec layer) {
        return switch (path) {
            case TF -> TfSupport.whyUnsupported(layer);
            case JVM -> JvmSupport.whyUnsupported(layer);
        };
    }

    /**
     * For each path that cannot run the model, the first layer it lacks, the graph limit it passes or the layer a
     * Keras mask reaches that cannot take it, and why; absent paths can run it.
     */
    public static Map<PredictionPath, String> unsupportedPaths(ModelSpec spec) {
        Map<PredictionPath, String> reasons = new LinkedHashMap<>();
        if (!TfSavedModel.isSavedModel(spec) && hasOpenInput(spec)) {
            try {
                ModelSignature.of(spec);
            } catch (ModelException e) {
                // no row length could run it, on any path
                for (PredictionPath path : PredictionPath.values()) {
                    reasons.put(path, e.getMessage());
                }
                return reasons;
            }
        }
        for (PredictionPath path : PredictionPath.values()) {
            for (LayerSpec layer : spec.layers()) {
                Optional<String> why = whyUnsupported(path, layer);
                if (why.isPresent()) {
                    reasons.put(path, "layer '" + layer.name() + "' (" + layer.className() + "): " + why.get());
                    break;
                }
            }
        }
        if (!reasons.containsKey(PredictionPath.TF)) {
            TfSupport.whyUnsupported(spec).ifPresent(why -> reasons.put(PredictionPath.TF, why));
        }
        KerasMasks.whyUnsupported(spec).ifPresent(why -> {
            for (PredictionPath path : PredictionPath.values()) {
                reasons.putIfAbsent(path, why);
            }
        });
        return reasons;
    }
}
