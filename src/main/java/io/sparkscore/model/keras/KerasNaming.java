package io.sparkscore.model.keras;

import java.util.regex.Pattern;

/**
 * Keras 3's {@code naming.to_snake_case}: the weights file of a {@code .keras} archive addresses each layer by its
 * class name in snake case ({@code Conv2D -> conv2d}, {@code LeakyReLU -> leaky_re_lu}), never by the layer's name.
 */
final class KerasNaming {

    private static final Pattern NON_WORD = Pattern.compile("\\W+");
    private static final Pattern WORD_START = Pattern.compile("(.)([A-Z][a-z]+)");
    private static final Pattern LOWER_UPPER = Pattern.compile("([a-z])([A-Z])");

    private KerasNaming() {
    }

    static String toSnakeCase(String className) {
        String s = NON_WORD.matcher(className).replaceAll("");
        s = WORD_START.matcher(s).replaceAll("$1_$2");
        s = LOWER_UPPER.matcher(s).replaceAll("$1_$2");
        return s.toLowerCase(java.util.Locale.ROOT);
    }
}
