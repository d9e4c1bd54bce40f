package io.sparkscore.runtime.jvm;

import io.sparkscore.model.Activation;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.EinsumDenseOptions;
import io.sparkscore.model.layers.EinsumEquation;

import java.util.Arrays;
import java.util.Map;

/**
 * Keras EinsumDense as grouped matrix products. The equation's letters (batch aside) fall into: {@code g} in the
 * input, kernel and output (one product per value), {@code c} in the input and kernel only (contracted), {@code i}
 * in the input and output (the product's rows), {@code w} in the kernel and output (its columns), and {@code r} in
 * the kernel only (summed into the kernel once, at construction). Per row, for each {@code g}: out[i, w] = Σ_c x[i,
 * c] · K[c, w], gathered from and scattered to Keras' layouts through index tables; then the bias and activation.
 * A letter only in the input (summed out of the input) is refused by {@link #whyUnsupported}.
 */
final class EinsumDenseLayer implements JvmLayer {

    private final int inRow;
    private final int outRow;
    private final int groups;
    private final int rowsPerGroup;
    private final int contracted;
    private final int columns;
    /** Per (g, i, c), the input offset within a row. */
    private final int[] inIndex;
    /** Per (g, i, w), the output offset within a row. */
    private final int[] outIndex;
    /** Per (g, c, w), the kernel value (summed over kernel-only letters). */
    private final float[] kernel;
    /** Per output offset, the bias value (broadcast), or null. */
    private final float[] bias;
    private final Activation activation;
    /** The output's last dimension, over which a softmax activation normalises. */
    private final int lastAxis;

    EinsumDenseLayer(LayerSpec layer, int[] inShape) {
        EinsumDenseOptions o = EinsumDenseOptions.of(layer, 3);
        EinsumEquation eq = o.resolve(layer.config(), inShape);
        float[] k = Weights.require(layer, "kernel", eq.kernelShape());
        String in = eq.input();
        String w = eq.kernel();
        String out = eq.output();
        String g = only(in, w, out, true, true, true);
        String c = only(in, w, out, true, true, false);
        String i = only(in, w, out, true, false, true);
        String cols = only(in, w, out, false, true, true);
        Map<Character, Integer> sizes = eq.sizes();
        this.inRow = Weights.size(eq.shapeOf(in));
        this.outRow = Weights.size(eq.outputShape());
        this.groups = Weights.size(eq.shapeOf(g));
        this.rowsPerGroup = Weights.size(eq.shapeOf(i));
        this.contracted = Weights.size(eq.shapeOf(c));
        this.columns = Weights.size(eq.shapeOf(cols));
        this.inIndex = offsets(g + i + c, in, sizes);
        this.outIndex = offsets(g + i + cols, out, sizes);
        // the kernel rearranged to (g, c, w), kernel-only letters summed
        String r = only(in, w, out, false, true, false);
        int[] kernelOffsets = offsets(g + c + cols + r, w, sizes);
        int reduced = Weights.size(eq.shapeOf(r));
        this.kernel = new float[groups * contracted * columns];
        for (int e = 0; e < kernel.length; e++) {
            double sum = 0;
            for (int s = 0; s < reduced; s++) {
                sum += k[kernelOffsets[e * reduced + s]];
            }
            kernel[e] = (float) sum;
        }
        if (eq.biasShape() == null) {
            this.bias = null;
        } else {
            float[] b = Weights.require(layer, "bias", eq.biasShape());
            this.bias = new float[outRow];
            int biasSize = b.length;
            // the bias broadcasts onto the output's trailing dimensions, so it repeats every biasSize-row block
            // along its unit axes: map each output offset through the trailing shape
            int[] outShape = eq.outputShape();
            int[] biasShape = eq.biasShape();
            int[] trailing = Arrays.copyOfRange(outShape, outShape.length - biasShape.length, outShape.length);
            int block = Weights.size(trailing);
            int[] biasStrides = IndexMaps.strides(biasShape);
            for (int p = 0; p < outRow; p++) {
                int rem = p % block;
                int off = 0;
                for (int d = trailing.length - 1; d >= 0; d--) {
                    int idx = rem % trailing[d];
                    rem /= trailing[d];
                    off += (biasShape[d] == 1 ? 0 : idx) * biasStrides[d];
                }
                bias[p] = b[off % biasSize];
            }
        }
        this.activation = o.activation();
        this.lastAxis = eq.outputShape()[eq.outputShape().length - 1];
    }

    /** Why the jvm path cannot run the layer's equation (checked on the config alone), or null. */
    static String whyUnsupported(LayerSpec layer) {
        String[] parts = layer.config().getString("equation", "").replace("...", "").split(",|->");
        if (parts.length == 3) {
            for (char ch : parts[0].toCharArray()) {
                if (parts[1].indexOf(ch) < 0 && parts[2].indexOf(ch) < 0) {
                    return "EinsumDense summing input dimension '" + ch + "' (in neither the kernel nor the output)"
                            + " is not supported on the jvm path";
                }
            }
        }
        return null;
    }

    /** The letters of {@code in}/{@code w}/{@code out} present exactly as asked, in their first operand's order. */
    private static String only(String in, String w, String out, boolean inIn, boolean inW, boolean inOut) {
        StringBuilder r = new StringBuilder();
        for (char ch : (in + w + out).toCharArray()) {
            if (r.indexOf(String.valueOf(ch)) < 0 && in.indexOf(ch) >= 0 == inIn && w.indexOf(ch) >= 0 == inW
                    && out.indexOf(ch) >= 0 == inOut) {
                r.append(ch);
            }
        }
        return r.toString();
    }

    /**
     * For every combination of {@code order}'s letters (row-major, first letter slowest), the offset within an
     * operand laid out as {@code layout}; letters the layout lacks do not move the offset.
     */
    private static int[] offsets(String order, String layout, Map<Character, Integer> sizes) {
        int[] dims = new int[order.length()];
        int[] strides = new int[order.length()];
        int[] layoutStrides = new int[layout.length()];
        int s = 1;
        for (int d = layout.length() - 1; d >= 0; d--) {
            layoutStrides[d] = s;
            s *= sizes.get(layout.charAt(d));
        }
        long total = 1;
        for (int d = 0; d < dims.length; d++) {
            dims[d] = sizes.get(order.charAt(d));
            int at = layout.indexOf(order.charAt(d));
            strides[d] = at < 0 ? 0 : layoutStrides[at];
            total *= dims[d];
        }
        int[] r = new int[Math.toIntExact(total)];
        int[] idx = new int[dims.length];
        for (int e = 0; e < r.length; e++) {
            int off = 0;
            for (int d = 0; d < dims.length; d++) {
                off += idx[d] * strides[d];
            }
            r[e] = off;
            for (int d = dims.length - 1; d >= 0; d--) {
                if (++idx[d] < dims[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return r;
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] x = inputs[0];
        for (int row = 0; row < rows; row++) {
            int xBase = row * inRow;
            int oBase = row * outRow;
            for (int gi = 0; gi < groups * rowsPerGroup; gi++) {
                int g = gi / rowsPerGroup;
                for (int col = 0; col < columns; col++) {
                    float sum = 0;
                    int kBase = g * contracted * columns + col;
                    int xIdx = gi * contracted;
                    for (int cc = 0; cc < contracted; cc++) {
                        sum += x[xBase + inIndex[xIdx + cc]] * kernel[kBase + cc * columns];
                    }
                    int o = outIndex[gi * columns + col];
                    output[oBase + o] = bias == null ? sum : sum + bias[o];
                }
            }
        }
        JvmActivations.apply(activation, output, 0, rows * outRow, lastAxis);
    }
}
