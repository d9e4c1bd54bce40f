package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.Shapes;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An EinsumDense equation ({@code "abc,cd->abd"}, {@code "...b,bc->...c"}, {@code "ab...,bc->ac..."}) resolved
 * against the per-row shape of the layer's input, as Keras' {@code _analyze_einsum_string} resolves it: the first
 * letter of the input (or the ellipsis, which covers it) is the batch, the config's {@code output_shape} gives the
 * output's sizes after the batch, and each kernel letter takes its size from the input or the output. An ellipsis is
 * replaced by letters of its own, so that one form serves both paths. Immutable.
 *
 * @param batch      the letter of the batch dimension (first of both the input and the output)
 * @param input      the input's letters after the batch
 * @param kernel     the kernel's letters
 * @param output     the output's letters after the batch
 * @param sizes      every letter's size
 * @param biasShape  the bias's shape as Keras creates it (it broadcasts onto the output's trailing dimensions), or
 *                   null without bias
 */
public record EinsumEquation(char batch, String input, String kernel, String output, Map<Character, Integer> sizes,
                             int[] biasShape) {

    private static final Pattern PLAIN = Pattern.compile("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)");
    private static final Pattern LEFT = Pattern.compile("\\.\\.\\.([a-zA-Z]+),([a-zA-Z]+)->\\.\\.\\.([a-zA-Z]+)");
    private static final Pattern RIGHT = Pattern.compile("([a-zA-Z]{2,})\\.\\.\\.,([a-zA-Z]+)->([a-zA-Z]{2,})\\.\\.\\.");

    /**
     * @param configOutput the config's {@code output_shape} (batch excluded; -1 for Keras' None, which takes the
     *                     input's size)
     */
    public static EinsumEquation resolve(LayerConfig c, String equation, int[] inputRow, int[] configOutput,
                                         String biasAxes) {
        String eq = equation.replace(" ", "");
        Matcher plain = PLAIN.matcher(eq);
        Matcher left = LEFT.matcher(eq);
        Matcher right = RIGHT.matcher(eq);
        String in;
        String w;
        String out;
        int rank = inputRow.length + 1;
        if (plain.matches()) {
            in = plain.group(1);
            w = plain.group(2);
            out = plain.group(3);
            if (in.length() != rank) {
                throw c.unsupported("equation '" + equation + "' names " + in.length() + " input dimensions but the"
                        + " input has " + rank + " (batch included)");
            }
        } else if (left.matches() || right.matches()) {
            Matcher m = left.matches() ? left : right;
            int elided = rank - m.group(1).length();
            if (elided < 1) {
                throw c.unsupported("equation '" + equation + "' names more input dimensions than the input's "
                        + rank + " (batch included)");
            }
            String fresh = freshLetters(c, eq, elided);
            boolean isLeft = m == left;
            in = isLeft ? fresh + m.group(1) : m.group(1) + fresh;
            w = m.group(2);
            // the output's ellipsis stands for the same dimensions as the input's
            out = isLeft ? fresh + m.group(3) : m.group(3) + fresh;
            configOutput = isLeft ? concat(Arrays.copyOfRange(inputRow, 0, elided - 1), configOutput)
                    : concat(configOutput, Arrays.copyOfRange(inputRow, inputRow.length - elided, inputRow.length));
        } else {
            throw c.unsupported("equation '" + equation + "' is not of the form 'ab,bc->ac', '...b,bc->...c' or"
                    + " 'ab...,bc->ac...'");
        }
        char batch = in.charAt(0);
        if (out.charAt(0) != batch || w.indexOf(batch) >= 0) {
            throw c.unsupported("equation '" + equation + "' moves the batch dimension '" + batch + "' (it must"
                    + " lead the input and the output and stay out of the kernel)");
        }
        for (String spec : List.of(in, w, out)) {
            if (spec.chars().distinct().count() != spec.length()) {
                throw c.unsupported("equation '" + equation + "' repeats a letter within one operand (a diagonal),"
                        + " which EinsumDense does not create");
            }
        }
        if (configOutput.length != out.length() - 1) {
            throw c.unsupported("output_shape " + Shapes.format(configOutput) + " has " + configOutput.length
                    + " dimensions but equation '" + equation + "' gives the output " + (out.length() - 1)
                    + " besides the batch");
        }
        Map<Character, Integer> sizes = new LinkedHashMap<>();
        for (int i = 1; i < in.length(); i++) {
            sizes.put(in.charAt(i), inputRow[i - 1]);
        }
        for (int i = 1; i < out.length(); i++) {
            char letter = out.charAt(i);
            int size = configOutput[i - 1];
            Integer fromInput = sizes.get(letter);
            if (fromInput != null && size >= 0 && size != fromInput) {
                throw c.unsupported("output_shape " + Shapes.format(configOutput) + " gives dimension '" + letter
                        + "' size " + size + " but the input has " + fromInput + " there");
            }
            if (fromInput == null) {
                if (w.indexOf(letter) < 0) {
                    throw c.unsupported("output dimension '" + letter + "' of equation '" + equation + "' is in"
                            + " neither the input nor the kernel");
                }
                if (size < 1) {
                    throw c.unsupported("output_shape " + Shapes.format(configOutput) + " leaves the size of"
                            + " kernel dimension '" + letter + "' open");
                }
                sizes.put(letter, size);
            }
        }
        for (char letter : w.toCharArray()) {
            if (!sizes.containsKey(letter)) {
                throw c.unsupported("kernel dimension '" + letter + "' of equation '" + equation + "' is in neither"
                        + " the input nor the output");
            }
        }
        return new EinsumEquation(batch, in.substring(1), w, out.substring(1), sizes,
                biasShape(c, out.substring(1), sizes, biasAxes));
    }

    private static int[] biasShape(LayerConfig c, String out, Map<Character, Integer> sizes, String biasAxes) {
        if (biasAxes == null) {
            return null;
        }
        int first = Integer.MAX_VALUE;
        for (char letter : biasAxes.toCharArray()) {
            int at = out.indexOf(letter);
            if (at < 0) {
                throw c.unsupported("bias_axes '" + biasAxes + "' names '" + letter + "', which is not an output"
                        + " dimension after the batch (" + out + ")");
            }
            first = Math.min(first, at);
        }
        if (first == Integer.MAX_VALUE) {
            throw c.unsupported("bias_axes is empty; write null for no bias");
        }
        int[] shape = new int[out.length() - first];
        for (int i = 0; i < shape.length; i++) {
            char letter = out.charAt(first + i);
            shape[i] = biasAxes.indexOf(letter) >= 0 ? sizes.get(letter) : 1;
        }
        return shape;
    }

    private static String freshLetters(LayerConfig c, String used, int count) {
        StringBuilder r = new StringBuilder();
        for (char ch = 'A'; r.length() < count; ch++) {
            if (ch > 'Z' && ch < 'a') {
                ch = 'a';
            }
            if (ch > 'z') {
                throw c.unsupported("the ellipsis stands for " + count + " dimensions, more than einsum has letters");
            }
            if (used.indexOf(ch) < 0 && r.indexOf(String.valueOf(ch)) < 0) {
                r.append(ch);
            }
        }
        return r.toString();
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** The kernel's shape, in the order of its letters. */
    public int[] kernelShape() {
        return shapeOf(kernel);
    }

    /** The output's per-row shape. */
    public int[] outputShape() {
        return shapeOf(output);
    }

    public int[] shapeOf(String letters) {
        int[] r = new int[letters.length()];
        for (int i = 0; i < r.length; i++) {
            r[i] = sizes.get(letters.charAt(i));
        }
        return r;
    }

    /** The equation with the batch letter and without ellipses, for TensorFlow's Einsum. */
    public String explicit() {
        return batch + input + "," + kernel + "->" + batch + output;
    }
}
