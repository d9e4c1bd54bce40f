package io.sparkscore.runtime;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.Shapes;
import io.sparkscore.model.ShapeInference;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The concrete per-row input and output shapes of a model (batch dimension excluded), in model order. Every shape is
 * fully known: sparkscore scores fixed-size rows.
 */
public record ModelSignature(List<String> inputNames, List<int[]> inputShapes, List<String> outputNames,
                             List<int[]> outputShapes) implements Serializable {

    public static ModelSignature of(ModelSpec spec) {
        Map<String, int[]> shapes = ShapeInference.infer(spec);
        List<String> inNames = new ArrayList<>();
        List<int[]> inShapes = new ArrayList<>();
        for (InputSpec in : spec.inputs()) {
            if (!Shapes.isFullyKnown(in.shape())) {
                throw new io.sparkscore.model.ModelException("model input '" + in.name() + "' has shape "
                        + Shapes.format(in.shape()) + " with an open dimension; sparkscore scores fixed-size rows,"
                        + " so the model must declare every non-batch dimension");
            }
            inNames.add(in.name());
            inShapes.add(in.shape());
        }
        List<int[]> outShapes = new ArrayList<>();
        for (String out : spec.outputs()) {
            outShapes.add(shapes.get(out));
        }
        return new ModelSignature(inNames, inShapes, spec.outputs(), outShapes);
    }

    public int inputSize(int i) {
        return Math.toIntExact(Shapes.size(inputShapes.get(i)));
    }

    public int outputSize(int j) {
        return Math.toIntExact(Shapes.size(outputShapes.get(j)));
    }

    public int inputCount() {
        return inputNames.size();
    }

    public int outputCount() {
        return outputNames.size();
    }
}
