package io.sparkscore.ml;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.OpenDimensions;
import io.sparkscore.model.Shapes;
import io.sparkscore.runtime.ModelSignature;
import org.apache.spark.sql.RuntimeConfig;

import java.io.Serializable;

/**
 * The row lengths model inputs with an open (None) dimension take: an array column per such input whose length is a
 * whole number T of steps (the fixed dimensions' product of values each), with T at least what the model's windows
 * need and at most {@link #MAX_LENGTH_KEY} (memory is bounded by it: one row's buffers and the fixed-length models
 * built per distinct length). A row outside them is a bad row with reason code {@link RowChecks#SEQUENCE_LENGTH}.
 * Immutable and serialisable (it travels in the task closure).
 *
 * @param steps    per input, the floats of one step, or 0 for an input of fixed size
 * @param minSteps the fewest steps a row may have (the same for every open input)
 * @param maxSteps the most steps a row may have
 */
public record SequenceLengths(int[] steps, int minSteps, int maxSteps) implements Serializable {

    /** Spark configuration key of the longest sequence a row may hold, in steps. */
    public static final String MAX_LENGTH_KEY = "spark.sparkscore.maxSequenceLength";
    /** The default of {@link #MAX_LENGTH_KEY}: also the most steps the tf path unrolls an RNN over. */
    public static final int DEFAULT_MAX_LENGTH = 1000;
    /** How far the driver looks for the shortest length the model's windows accept. */
    private static final int MIN_LENGTH_SEARCH = 256;

    static final SequenceLengths NONE = new SequenceLengths(new int[0], 1, DEFAULT_MAX_LENGTH);

    /** The lengths for {@code spec}'s open inputs, with the cap from {@code conf}. */
    static SequenceLengths of(ModelSpec spec, ModelSignature signature, RuntimeConfig conf) {
        int[] steps = new int[signature.inputCount()];
        boolean any = false;
        for (int i = 0; i < steps.length; i++) {
            if (signature.isOpen(i)) {
                steps[i] = signature.stepSize(i);
                any = true;
            }
        }
        if (!any) {
            return new SequenceLengths(steps, 1, DEFAULT_MAX_LENGTH);
        }
        int max = maxLength(conf);
        int min = OpenDimensions.minimumLength(spec, Math.min(max, MIN_LENGTH_SEARCH));
        if (min > max || min > MIN_LENGTH_SEARCH) {
            throw JobException.config("model " + spec.name() + " accepts no sequence of 1 to "
                    + Math.min(max, MIN_LENGTH_SEARCH) + " steps (its windows are longer); raise " + MAX_LENGTH_KEY
                    + " (now " + max + ") or check the model");
        }
        return new SequenceLengths(steps, min, max);
    }

    /** {@link #MAX_LENGTH_KEY} from the session's configuration, validated. */
    static int maxLength(RuntimeConfig conf) {
        String raw = conf.get(MAX_LENGTH_KEY, Integer.toString(DEFAULT_MAX_LENGTH)).trim();
        int v;
        try {
            v = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw JobException.config(MAX_LENGTH_KEY + " must be a positive whole number of steps, got '" + raw + "'");
        }
        if (v < 1) {
            throw JobException.config(MAX_LENGTH_KEY + " must be a positive whole number of steps, got " + v);
        }
        return v;
    }

    /** The model with every open dimension fixed to the longest length a row may have: what bounds memory and paths. */
    ModelSpec longest(ModelSpec spec) {
        int[] lengths = new int[spec.inputs().size()];
        java.util.Arrays.fill(lengths, maxSteps);
        return OpenDimensions.withLengths(spec, lengths);
    }

    public boolean isOpen(int input) {
        return input < steps.length && steps[input] > 0;
    }

    public boolean any() {
        for (int s : steps) {
            if (s > 0) {
                return true;
            }
        }
        return false;
    }

    /** The problem with an open input's row of {@code values} floats, or null when it has a good length. */
    String problem(int input, String column, int values) {
        int step = steps[input];
        if (values == 0) {
            return column + " is empty; the model reads sequences of " + minSteps + " to " + maxSteps + " steps";
        }
        if (values % step != 0) {
            return column + " has " + values + " values, not a whole number of steps of " + step;
        }
        int t = values / step;
        if (t < minSteps) {
            return column + " has " + t + " steps but the model needs at least " + minSteps;
        }
        if (t > maxSteps) {
            return column + " has " + t + " steps, more than " + MAX_LENGTH_KEY + " = " + maxSteps;
        }
        return null;
    }

    /** The shape an open input's binding reads, for messages: {@code (T, 4) for T in 1..1000}. */
    String describe(ModelSignature signature, int input) {
        return Shapes.format(signature.inputShapes().get(input)).replace("None", "T") + " with T in " + minSteps
                + ".." + maxSteps;
    }
}
