package io.sparkscore.cli;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.OpenDimensions;
import io.sparkscore.model.Shapes;
import io.sparkscore.model.categorical.InputEncodings;

import java.util.List;
import java.util.Locale;

/**
 * {@code inspect}'s lines about a Keras model's inputs: each one's dtype and shape, what it reads (numbers,
 * booleans, or strings/integers a lookup layer turns into indices) and the column it binds to when no feature
 * option is given (the column of its own name).
 */
final class InputSummary {

    private InputSummary() {
    }

    private static int stepSize(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= Math.max(d, 1);
        }
        return n;
    }

    static String of(ModelSpec spec) {
        List<InputEncodings.Encoding> encodings;
        try {
            encodings = InputEncodings.of(spec);
        } catch (ModelException e) {
            return "  inputs cannot be read: " + e.getMessage() + "\n";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < encodings.size(); i++) {
            InputSpec in = spec.inputs().get(i);
            InputEncodings.Encoding e = encodings.get(i);
            String reads = switch (e.kind()) {
                case NUMBER -> "numeric columns";
                case BOOLEAN -> "boolean columns (as 0/1)";
                case STRING -> "string columns, encoded by " + e.layer() + " ("
                        + spec.layer(e.layer()).className() + ")";
                case INTEGER -> "integer columns, encoded by " + e.layer() + " ("
                        + spec.layer(e.layer()).className() + ")";
            };
            int open = OpenDimensions.openAxis(in.shape());
            if (open >= 0) {
                reads = "a sequence of varying length: " + reads + " of arrays holding T steps of "
                        + stepSize(in.shape()) + " values flattened (or one inner array per step), T open at axis "
                        + (open + 1) + " of " + Shapes.formatWithBatch(in.shape());
            }
            String column = open < 0 && in.size() == 1 ? "column '" + in.name() + "'"
                    : "array column '" + in.name() + "'";
            b.append(String.format(Locale.ROOT, "  input %s: %s %s, reads %s; binds %s unless mapped%n", in.name(),
                    e.dtype(), Shapes.formatWithBatch(in.shape()), reads, column));
        }
        return b.toString();
    }
}
