package io.sparkscore.calibration;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.PredictionPaths;
import io.sparkscore.runtime.Predictor;
import io.sparkscore.runtime.RuntimeOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Debug comparison for a parity failure: runs both paths on the same rows with every node of the graph exposed as an
 * output, and names the first node (in topological order) whose values differ beyond the tolerance. Building the
 * debug models costs a model load per path, so this only runs once the paths are known to disagree.
 */
final class LayerDivergence {

    private LayerDivergence() {
    }

    /** A node whose outputs differ: the layer, its class, and the largest difference seen. */
    record Divergence(String node, String layerClass, double maxAbsDifference) {
    }

    static Optional<Divergence> first(ModelSpec spec, PredictionPath a, PredictionPath b, BatchCodec codec, int rows,
                                      double tolerance) {
        if (codec.rowStarts() != null) {
            // every node as an output would keep the open sequence axis, which no predictor writes out
            return Optional.empty();
        }
        List<String> nodes = new ArrayList<>();
        for (NodeSpec n : spec.nodes()) {
            nodes.add(n.id());
        }
        ModelSpec everyNode = new ModelSpec(spec.name() + "_debug", spec.sourceFormat(), spec.kerasVersion(),
                spec.inputs(), spec.layers(), spec.nodes(), nodes);
        float[][] outA = run(everyNode, a, codec, rows);
        float[][] outB = run(everyNode, b, codec, rows);
        for (int j = 0; j < nodes.size(); j++) {
            double max = 0;
            boolean diverges = false;
            for (int k = 0; k < outA[j].length; k++) {
                double diff = Math.abs(outA[j][k] - outB[j][k]);
                max = Math.max(max, diff);
                diverges |= !(diff <= tolerance * Math.max(1.0, Math.abs(outA[j][k])));
            }
            if (diverges) {
                NodeSpec node = spec.nodes().get(j);
                return Optional.of(new Divergence(node.id(), spec.layer(node.layerName()).className(), max));
            }
        }
        return Optional.empty();
    }

    private static float[][] run(ModelSpec spec, PredictionPath path, BatchCodec codec, int rows) {
        try (LoadedModel model = PredictionPaths.load(spec, path, RuntimeOptions.singleThreaded());
             Predictor predictor = model.newPredictor(rows)) {
            codec.reserve(rows);
            codec.encode(rows, 0);
            float[][] out = new float[model.signature().outputCount()][];
            for (int j = 0; j < out.length; j++) {
                out[j] = new float[rows * model.signature().outputSize(j)];
            }
            predictor.predict(codec.inputs(), rows, out);
            return out;
        }
    }
}
