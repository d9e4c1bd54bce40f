package io.sparkscore.model.layers;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The call arguments a layer class takes besides its input tensors, as Keras' {@code call()} names them: tensors
 * passed by keyword (MultiHeadAttention's {@code value=}, {@code key=}), which join the node's inputs in the given
 * order after the first; boolean options that change the result ({@code use_causal_mask}), kept on the node; options
 * that would change what the call returns, refused when set; and mask arguments, accepted only as Keras writes them
 * when no explicit mask is passed ({@code null}, or a list of nulls). The readers accept exactly these arguments
 * (plus {@code training}, which inference ignores); anything else is refused naming it.
 *
 * @param tensorKeywords keyword tensors, in the order they follow the first input
 * @param flags          boolean arguments the paths read from the node (default false)
 * @param refusedFlags   boolean arguments refused when true, with the reason
 * @param maskArguments  mask arguments, accepted when they pass no tensor
 * @param keepsArguments whether every other argument is kept on the node as it is, for the layer to check (the
 *                       TensorFlow op layers, whose arguments are the function's: {@code axis}, {@code shape}, a
 *                       number {@code y})
 */
public record CallSignature(List<String> tensorKeywords, Set<String> flags, Map<String, String> refusedFlags,
                            Set<String> maskArguments, boolean keepsArguments) {

    /** The argument name of a causal mask over the attention's (first) query and key axes. */
    public static final String USE_CAUSAL_MASK = "use_causal_mask";

    private static final String SCORES_REFUSED = "return_attention_scores=True makes the layer return two tensors"
            + " (output and scores) and a node has one output; call the layer without it";

    private static final CallSignature PLAIN = new CallSignature(List.of(), Set.of(), Map.of(), Set.of("mask"),
            false);
    private static final CallSignature DENSE_ATTENTION = new CallSignature(List.of(), Set.of(USE_CAUSAL_MASK),
            Map.of("return_attention_scores", SCORES_REFUSED), Set.of("mask"), false);
    private static final CallSignature MULTI_HEAD_ATTENTION = new CallSignature(List.of("value", "key"),
            Set.of(USE_CAUSAL_MASK), Map.of("return_attention_scores", SCORES_REFUSED),
            Set.of("query_mask", "value_mask", "key_mask", "attention_mask", "mask"), false);
    private static final CallSignature OPERATION = new CallSignature(List.of("y", "b"), Set.of(), Map.of(),
            Set.of(), true);

    public CallSignature {
        tensorKeywords = List.copyOf(tensorKeywords);
        flags = Set.copyOf(flags);
        refusedFlags = Map.copyOf(refusedFlags);
        maskArguments = Set.copyOf(maskArguments);
    }

    /** The signature of a class's calls; classes without extra arguments take only their tensors and a mask. */
    public static CallSignature of(String className) {
        return switch (className) {
            case "Attention", "AdditiveAttention" -> DENSE_ATTENTION;
            case "MultiHeadAttention" -> MULTI_HEAD_ATTENTION;
            case "TFOpLambda", "SlicingOpLambda", KerasOperations.CLASS -> OPERATION;
            default -> PLAIN;
        };
    }

    /** Why the argument {@code name=value} cannot be read, or empty when it is accepted. */
    public Optional<String> problem(String name, Object value) {
        if (name.equals("training") || keepsArguments) {
            return Optional.empty();
        }
        if (maskArguments.contains(name)) {
            return passesNoTensor(value) ? Optional.empty() : Optional.of("is called with an explicit mask "
                    + name + "=" + value + "; sparkscore applies only the masks it propagates itself from Masking and"
                    + " Embedding(mask_zero=True), and a mask tensor in the call (passed by hand, or recorded by"
                    + " Keras 3 for a masked input) is not read");
        }
        if (flags.contains(name) || refusedFlags.containsKey(name)) {
            if (value != null && !(value instanceof Boolean)) {
                return Optional.of("is called with " + name + "=" + value + ", which should be true or false");
            }
            if (Boolean.TRUE.equals(value) && refusedFlags.containsKey(name)) {
                return Optional.of("is called with " + name + "=True: " + refusedFlags.get(name));
            }
            return Optional.empty();
        }
        return Optional.of("is called with the argument " + name + "=" + value + ", which sparkscore does not read;"
                + " only the input tensors" + (tensorKeywords.isEmpty() ? "" : " (" + String.join(", ",
                tensorKeywords) + ")") + (flags.isEmpty() ? "" : ", " + String.join(", ", flags)) + " and training"
                + " may be passed");
    }

    private static boolean passesNoTensor(Object value) {
        if (value == null || value instanceof Boolean) {
            return true;
        }
        return value instanceof List<?> l && l.stream().allMatch(CallSignature::passesNoTensor);
    }
}
