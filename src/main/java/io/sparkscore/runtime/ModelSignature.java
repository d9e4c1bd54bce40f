package io.sparkscore.runtime;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.OpenDimensions;
import io.sparkscore.model.Shapes;
import io.sparkscore.model.ShapeInference;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The per-row input and output shapes of a model (batch dimension excluded), in model order. Outputs are always
 * fully known; an input may keep one open dimension ({@code Input(shape=(None, F))}: a sequence whose length each
 * row brings, see {@link OpenDimensions}), everything else is fixed.
 */
public record ModelSignature(List<String> inputNames, List<int[]> inputShapes, List<String> outputNames,
                             List<int[]> outputShapes) implements Serializable {

    public static ModelSignature of(ModelSpec spec) {
        Map<String, int[]> shapes = ShapeInference.infer(spec);
        OpenDimensions.check(spec, shapes);
        List<String> inNames = new ArrayList<>();
        List<int[]> inShapes = new ArrayList<>();
        for (InputSpec in : spec.inputs()) {
            inNames.add(in.name());
            inShapes.add(in.shape());
        }
        List<int[]> outShapes = new ArrayList<>();
        for (String out : spec.outputs()) {
            int[] shape = shapes.get(out);
            if (!Shapes.isFullyKnown(shape)) {
                throw new ModelException("model output '" + out + "' has shape " + Shapes.format(shape)
                        + ", whose open dimension follows the length of an input sequence; sparkscore writes"
                        + " fixed-size prediction columns, so end the model with a layer that reduces the time axis"
                        + " (an RNN without return_sequences, GlobalAveragePooling1D, GlobalMaxPooling1D)");
            }
            outShapes.add(shape);
        }
        return new ModelSignature(inNames, inShapes, spec.outputs(), outShapes);
    }

    /** Floats per row of input {@code i}; an input with an open dimension has none fixed ({@link #isOpen}). */
    public int inputSize(int i) {
        if (isOpen(i)) {
            throw new IllegalStateException("input '" + inputNames.get(i) + "' has shape "
                    + Shapes.format(inputShapes.get(i)) + ": its size follows each row's sequence length");
        }
        return Math.toIntExact(Shapes.size(inputShapes.get(i)));
    }

    /** Whether input {@code i} has an open (None) dimension, whose size each row brings. */
    public boolean isOpen(int i) {
        return !Shapes.isFullyKnown(inputShapes.get(i));
    }

    /** Whether any input has an open dimension. */
    public boolean hasOpenInput() {
        for (int i = 0; i < inputCount(); i++) {
            if (isOpen(i)) {
                return true;
            }
        }
        return false;
    }

    /** Floats per step of input {@code i}: the product of its fixed dimensions (its size when it has no open one). */
    public int stepSize(int i) {
        long n = 1;
        for (int d : inputShapes.get(i)) {
            if (d >= 0) {
                n *= d;
            }
        }
        return Math.toIntExact(n);
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
