package io.sparkscore.cli;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.ShapeInference;
import io.sparkscore.model.Shapes;
import io.sparkscore.model.savedmodel.SavedModelOutput;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.PredictionPaths;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Renders a model the way Keras' {@code model.summary()} does (layer, output shape, parameters), plus a column per
 * prediction path saying whether it can run the layer, and why not.
 */
final class ModelSummary {

    private ModelSummary() {
    }

    static String render(ModelSpec spec) {
        Map<String, int[]> shapes;
        String shapeProblem = null;
        try {
            shapes = ShapeInference.infer(spec);
        } catch (ModelException e) {
            shapes = Map.of();
            shapeProblem = e.getMessage();
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Model: \"%s\" (%s, Keras %s, hash %s)%n", spec.name(),
                spec.sourceFormat(), spec.kerasVersion(), spec.shortHash()));
        String rowFormat = "%-44s %-22s %12s  %-4s %-4s%n";
        String rule = "-".repeat(92) + "\n";
        b.append(rule).append(String.format(Locale.ROOT, rowFormat, "Layer (type)", "Output Shape", "Param #", "tf",
                "jvm")).append(rule);
        for (InputSpec in : spec.inputs()) {
            b.append(String.format(Locale.ROOT, rowFormat, in.name() + " (InputLayer)",
                    Shapes.formatWithBatch(in.shape()), "0", "yes", "yes"));
        }
        List<String> notes = new ArrayList<>();
        Set<String> counted = new HashSet<>();
        for (NodeSpec node : spec.nodes()) {
            LayerSpec layer = spec.layer(node.layerName());
            int[] shape = shapes.get(node.id());
            String params = counted.add(layer.name()) ? String.format(Locale.ROOT, "%,d", layer.paramCount()) : "0";
            b.append(String.format(Locale.ROOT, rowFormat, node.id() + " (" + layer.className() + ")",
                    shape == null ? "?" : Shapes.formatWithBatch(shape), params,
                    support(PredictionPath.TF, layer, notes), support(PredictionPath.JVM, layer, notes)));
        }
        b.append(rule);
        b.append(String.format(Locale.ROOT, "Total params: %,d%n", spec.paramCount()));
        b.append("Inputs:  ").append(spec.inputs()).append('\n');
        b.append("Outputs: ").append(spec.outputs()).append('\n');
        savedModelSignature(spec, shapes).ifPresentOrElse(b::append, () -> b.append(InputSummary.of(spec)));
        Map<PredictionPath, String> unsupported = PredictionPaths.unsupportedPaths(spec);
        for (PredictionPath p : PredictionPath.values()) {
            b.append("Path ").append(p.id()).append(": ")
                    .append(unsupported.containsKey(p) ? "cannot run this model" : "can run this model").append('\n');
        }
        notes.forEach(n -> b.append("  ").append(n).append('\n'));
        if (shapeProblem != null) {
            b.append("Output shapes unknown: ").append(shapeProblem).append('\n');
        }
        return b.toString();
    }

    /** For a SavedModel, the signature, tags and each input's and output's dtype, which the table leaves out. */
    private static Optional<String> savedModelSignature(ModelSpec spec, Map<String, int[]> shapes) {
        Optional<LayerSpec> first = spec.layers().stream()
                .filter(l -> l.className().equals(SavedModelOutput.CLASS_NAME)).findFirst();
        return first.map(l -> {
            LayerConfig c = l.config();
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "SavedModel signature '%s', tags %s%n",
                    c.requireString(SavedModelOutput.SIGNATURE), c.getList(SavedModelOutput.TAGS)));
            for (InputSpec in : spec.inputs()) {
                b.append(String.format(Locale.ROOT, "  input  %s: %s %s%n", in.name(), in.dtype(),
                        Shapes.formatWithBatch(in.shape())));
            }
            for (String out : spec.outputs()) {
                int[] shape = shapes.get(out);
                b.append(String.format(Locale.ROOT, "  output %s: %s %s%n", out,
                        spec.layer(out).config().requireString(SavedModelOutput.DTYPE),
                        shape == null ? "?" : Shapes.formatWithBatch(shape)));
            }
            return b.toString();
        });
    }

    private static String support(PredictionPath path, LayerSpec layer, List<String> notes) {
        Optional<String> why = PredictionPaths.whyUnsupported(path, layer);
        why.ifPresent(w -> notes.add(path.id() + " lacks " + layer.name() + " (" + layer.className() + "): " + w));
        return why.isPresent() ? "no" : "yes";
    }
}
