package io.sparkscore.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The element-wise (and softmax) activations a layer's {@code activation} option can name, under their canonical
 * spec names.
 *
 * <p>Readers turn whatever Keras wrote (a string, a Keras 3 serialised object, an alias such as {@code silu}) into
 * one of these names with {@link #canonicalName(Object, int, String, String)}. Where Keras versions disagree on the
 * meaning of a name, the spec keeps them apart: Keras 2's {@code hard_sigmoid} is {@code clip(0.2x + 0.5, 0, 1)}
 * while Keras 3's is {@code relu6(x + 3) / 6}, so a Keras 2 file's {@code hard_sigmoid} becomes
 * {@link #HARD_SIGMOID_KERAS2}.
 */
public enum Activation {
    LINEAR("linear"),
    RELU("relu"),
    RELU6("relu6"),
    LEAKY_RELU("leaky_relu"),
    ELU("elu"),
    SELU("selu"),
    SIGMOID("sigmoid"),
    HARD_SIGMOID("hard_sigmoid"),
    HARD_SIGMOID_KERAS2("hard_sigmoid_keras2"),
    HARD_SILU("hard_silu"),
    TANH("tanh"),
    SOFTMAX("softmax"),
    LOG_SOFTMAX("log_softmax"),
    SOFTPLUS("softplus"),
    SOFTSIGN("softsign"),
    SWISH("swish"),
    GELU("gelu"),
    GELU_APPROXIMATE("gelu_approximate"),
    MISH("mish"),
    EXPONENTIAL("exponential");

    /** SELU's constants, as Keras defines them. */
    public static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    public static final double SELU_SCALE = 1.0507009873554804934193349852946;
    /** Keras 3's {@code leaky_relu} activation function default slope. */
    public static final double LEAKY_RELU_DEFAULT_SLOPE = 0.2;

    private static final Map<String, Activation> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toMap(a -> a.specName, a -> a));
    private static final Map<String, String> ALIASES = Map.of(
            "silu", "swish",
            "hard_swish", "hard_silu",
            "None", "linear",
            "", "linear");

    private final String specName;

    Activation(String specName) {
        this.specName = specName;
    }

    public String specName() {
        return specName;
    }

    /** Looks up a canonical spec name (as stored in a {@link LayerConfig}). */
    public static Activation of(String specName, String layerName, String layerClass) {
        Activation a = specName == null ? LINEAR : BY_NAME.get(specName);
        if (a == null) {
            throw new UnsupportedLayerException(layerName, layerClass, "activation '" + specName
                    + "' is not supported; supported: " + supportedNames());
        }
        return a;
    }

    /**
     * Turns a raw Keras {@code activation} value into its canonical spec name.
     *
     * @param raw        a string, or a Keras 3 object {@code {"class_name": ..., "config": {"name": ...}}}, or null
     * @param kerasMajor the major version of the Keras that wrote the file (decides what hard_sigmoid means)
     */
    public static String canonicalName(Object raw, int kerasMajor, String layerName, String layerClass) {
        String name;
        if (raw == null) {
            name = "linear";
        } else if (raw instanceof String s) {
            name = s;
        } else if (raw instanceof Map<?, ?> m) {
            Object cfg = m.get("config");
            Object inner = cfg instanceof Map<?, ?> c ? c.get("name") : null;
            Object className = m.get("class_name");
            if (inner == null && "function".equals(className) && cfg instanceof String s) {
                inner = s;
            }
            name = String.valueOf(inner != null ? inner : className);
        } else {
            throw new UnsupportedLayerException(layerName, layerClass, "activation " + raw + " is not understood");
        }
        name = name.toLowerCase(Locale.ROOT);
        name = ALIASES.getOrDefault(name, name);
        if (name.equals("hard_sigmoid") && kerasMajor < 3) {
            name = HARD_SIGMOID_KERAS2.specName;
        }
        return of(name, layerName, layerClass).specName;
    }

    public static String supportedNames() {
        return Arrays.stream(values()).map(Activation::specName).collect(Collectors.joining(", "));
    }
}
