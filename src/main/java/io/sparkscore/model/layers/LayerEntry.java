package io.sparkscore.model.layers;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What sparkscore knows about one Keras layer class, independent of the prediction paths: its family, the aliases
 * Keras files spell it with, how it takes its inputs, its weights, its shape rule (mandatory) and, where a class has
 * one, the parser of its typed options record. The paths attach their builders to entries (see
 * {@code runtime.tf.TfLayers} and {@code runtime.jvm.JvmLayers}). Immutable.
 *
 * @param options empty for classes whose options each path still reads from the config
 */
public record LayerEntry(String className, LayerFamily family, List<String> aliases, Inputs inputs, boolean wrapper,
                         WeightNames weights, ShapeRule shapeRule, Optional<LayerOptions.Parser> options) {

    /** How a layer call takes its tensors. */
    public enum Inputs {
        /** One tensor. */
        ONE,
        /** A list of tensors (merge layers). */
        LIST,
        /** A sequence, optionally followed by initial states ({@code initial_state=}). */
        SEQUENCE_AND_STATES,
        /** A query, then a value and optionally a key, positionally or by keyword (MultiHeadAttention). */
        QUERY_VALUE_KEY,
        /** A TensorFlow function's tensors: its first argument (a list for concat), then its tensor keywords. */
        OPERATION
    }

    public LayerEntry {
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(family, "family");
        aliases = List.copyOf(aliases);
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(shapeRule, () -> "layer class " + className + " needs a shape rule");
        Objects.requireNonNull(options, "options");
    }

    @Override
    public String toString() {
        return className;
    }
}
