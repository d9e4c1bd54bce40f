package io.sparkscore.runtime.jvm;

import io.sparkscore.model.Activation;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.RecurrentOptions;

import java.util.Arrays;

/**
 * Keras SimpleRNN, LSTM and GRU over a {@code (timesteps, features)} row, one row at a time, with the state in
 * scratch. Follows Keras' cells exactly:
 * <ul>
 *   <li>SimpleRNN: {@code h = act(x W + h U + b)}</li>
 *   <li>LSTM (gates i, f, c, o): {@code c = rec(f) * c + rec(i) * act(c~)}, {@code h = rec(o) * act(c)}</li>
 *   <li>GRU (gates z, r, h): {@code h = z * h + (1 - z) * act(x W_h + b_h + reset)}, where {@code reset} is
 *       {@code r * (h U_h + b_rh)} with {@code reset_after=true} and {@code (r * h) U_h} with
 *       {@code reset_after=false}</li>
 * </ul>
 * With {@code go_backwards} the sequence is read from the last step, and a returned sequence stays in that
 * processing (reversed) order, as in Keras. Initial states may come as extra node inputs (h, then c for LSTM).
 *
 * <p>With a Keras mask (a (timesteps) row of 1 = keep, 0 = masked, as the node's last input) a masked step leaves
 * the state as it was and outputs the previous step's output (zeros before the first kept step), as Keras' RNN loop
 * does; with {@code zeroOutputForMask} (Keras' Bidirectional returning sequences) it outputs zeros. A returned last
 * output is then the output of the last kept step.
 */
final class RecurrentLayer implements JvmLayer {

    enum Cell { SIMPLE, LSTM, GRU }

    private final Cell cell;
    private final int timesteps;
    private final int features;
    private final int units;
    private final int gates;
    private final float[] kernel;
    private final float[] recurrentKernel;
    /** Added to x W; for GRU with reset_after, the input half of the bias. */
    private final float[] inputBias;
    /** GRU with reset_after only: added to h U. */
    private final float[] recurrentBias;
    private final boolean resetAfter;
    private final Activation activation;
    private final Activation recurrentActivation;
    private final boolean returnSequences;
    private final boolean goBackwards;
    /** The node input holding the mask, or -1 without one. */
    private final int maskInput;
    private final boolean zeroOutputForMask;

    RecurrentLayer(LayerSpec layer, int[] inShape, int kerasMajor, int maskInput) {
        this(layer, inShape, layer.config().getBoolean("go_backwards", false), kerasMajor, maskInput, false);
    }

    RecurrentLayer(LayerSpec layer, int[] inShape, boolean goBackwards, int kerasMajor, int maskInput,
                   boolean zeroOutputForMask) {
        LayerConfig c = layer.config();
        this.cell = switch (layer.className()) {
            case "SimpleRNN" -> Cell.SIMPLE;
            case "LSTM" -> Cell.LSTM;
            case "GRU" -> Cell.GRU;
            default -> throw new IllegalArgumentException(layer.className());
        };
        if (inShape.length != 2) {
            throw c.unsupported("expects input (timesteps, features) but got " + Arrays.toString(inShape));
        }
        this.timesteps = inShape[0];
        this.features = inShape[1];
        this.units = c.requireInt("units");
        this.gates = switch (cell) {
            case SIMPLE -> 1;
            case LSTM -> 4;
            case GRU -> 3;
        };
        int width = gates * units;
        this.kernel = Weights.require(layer, "kernel", features, width);
        this.recurrentKernel = Weights.require(layer, "recurrent_kernel", units, width);
        boolean useBias = c.getBoolean("use_bias", true);
        this.resetAfter = RecurrentOptions.of(layer, kerasMajor).resetAfter();
        if (!useBias) {
            this.inputBias = null;
            this.recurrentBias = null;
        } else if (resetAfter) {
            float[] both = Weights.require(layer, "bias", 2, width);
            this.inputBias = Arrays.copyOfRange(both, 0, width);
            this.recurrentBias = Arrays.copyOfRange(both, width, 2 * width);
        } else {
            this.inputBias = Weights.require(layer, "bias", width);
            this.recurrentBias = null;
        }
        this.activation = JvmLayers.activation(layer, "activation", "tanh");
        this.recurrentActivation = cell == Cell.SIMPLE ? null
                : JvmLayers.activation(layer, "recurrent_activation", "sigmoid");
        this.returnSequences = c.getBoolean("return_sequences", false);
        this.goBackwards = goBackwards;
        this.maskInput = maskInput;
        this.zeroOutputForMask = zeroOutputForMask;
    }

    boolean returnsSequences() {
        return returnSequences;
    }

    int outRowSize() {
        return returnSequences ? timesteps * units : units;
    }

    int units() {
        return units;
    }

    @Override
    public int scratchSize(int rows) {
        // h, c, x W (gates * units), h U (gates * units), r * h, the previous output
        return units * (4 + 2 * gates);
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        run(inputs, rows, output, 0, scratch, scratchOffset);
    }

    /** Runs all rows of {@code inputs[0]}; writes {@code rows * outRowSize()} floats at {@code outBase}. */
    void run(float[][] inputs, int rows, float[] out, int outBase, float[] scratch, int off) {
        float[] in = inputs[0];
        int h = off;
        int c = h + units;
        int xw = c + units;
        int hu = xw + gates * units;
        int rh = hu + gates * units;
        int previous = rh + units;
        int rowIn = timesteps * features;
        int rowOut = outRowSize();
        float[] mask = maskInput < 0 ? null : inputs[maskInput];
        for (int r = 0; r < rows; r++) {
            initialState(inputs, 1, r, scratch, h);
            if (cell == Cell.LSTM) {
                initialState(inputs, 2, r, scratch, c);
            }
            Arrays.fill(scratch, previous, previous + units, 0f);
            for (int k = 0; k < timesteps; k++) {
                int t = goBackwards ? timesteps - 1 - k : k;
                if (mask != null && mask[r * timesteps + t] == 0f) {
                    if (returnSequences) {
                        int o = outBase + r * rowOut + k * units;
                        if (zeroOutputForMask) {
                            Arrays.fill(out, o, o + units, 0f);
                        } else {
                            System.arraycopy(scratch, previous, out, o, units);
                        }
                    }
                    continue;
                }
                int x = r * rowIn + t * features;
                matVec(in, x, features, kernel, inputBias, scratch, xw);
                switch (cell) {
                    case SIMPLE -> stepSimple(scratch, h, xw, hu);
                    case LSTM -> stepLstm(scratch, h, c, xw, hu);
                    case GRU -> stepGru(scratch, h, xw, hu, rh);
                }
                System.arraycopy(scratch, h, scratch, previous, units);
                if (returnSequences) {
                    System.arraycopy(scratch, h, out, outBase + r * rowOut + k * units, units);
                }
            }
            if (!returnSequences) {
                System.arraycopy(scratch, previous, out, outBase + r * rowOut, units);
            }
        }
    }

    private void initialState(float[][] inputs, int index, int row, float[] scratch, int at) {
        if (inputs.length > index && index != maskInput) {
            System.arraycopy(inputs[index], row * units, scratch, at, units);
        } else {
            Arrays.fill(scratch, at, at + units, 0f);
        }
    }

    /** {@code dst = v . m + bias} for a [n, gates * units] matrix. */
    private void matVec(float[] v, int vBase, int n, float[] m, float[] bias, float[] dst, int dstBase) {
        int width = gates * units;
        if (bias != null) {
            System.arraycopy(bias, 0, dst, dstBase, width);
        } else {
            Arrays.fill(dst, dstBase, dstBase + width, 0f);
        }
        for (int i = 0; i < n; i++) {
            float xv = v[vBase + i];
            int row = i * width;
            for (int j = 0; j < width; j++) {
                dst[dstBase + j] += xv * m[row + j];
            }
        }
    }

    private void stepSimple(float[] s, int h, int xw, int hu) {
        matVec(s, h, units, recurrentKernel, null, s, hu);
        for (int j = 0; j < units; j++) {
            s[xw + j] += s[hu + j];
        }
        JvmActivations.apply(activation, s, xw, units, units);
        System.arraycopy(s, xw, s, h, units);
    }

    private void stepLstm(float[] s, int h, int c, int xw, int hu) {
        matVec(s, h, units, recurrentKernel, null, s, hu);
        int width = 4 * units;
        for (int j = 0; j < width; j++) {
            s[xw + j] += s[hu + j];
        }
        int i = xw;
        int f = xw + units;
        int candidate = xw + 2 * units;
        int o = xw + 3 * units;
        JvmActivations.apply(recurrentActivation, s, i, 2 * units, units);
        JvmActivations.apply(recurrentActivation, s, o, units, units);
        JvmActivations.apply(activation, s, candidate, units, units);
        for (int j = 0; j < units; j++) {
            s[c + j] = s[f + j] * s[c + j] + s[i + j] * s[candidate + j];
        }
        // act(c) goes through the candidate slot, which is no longer needed.
        System.arraycopy(s, c, s, candidate, units);
        JvmActivations.apply(activation, s, candidate, units, units);
        for (int j = 0; j < units; j++) {
            s[h + j] = s[o + j] * s[candidate + j];
        }
    }

    private void stepGru(float[] s, int h, int xw, int hu, int rh) {
        int z = xw;
        int r = xw + units;
        int hh = xw + 2 * units;
        if (resetAfter) {
            matVec(s, h, units, recurrentKernel, recurrentBias, s, hu);
            for (int j = 0; j < 2 * units; j++) {
                s[xw + j] += s[hu + j];
            }
            JvmActivations.apply(recurrentActivation, s, z, 2 * units, units);
            for (int j = 0; j < units; j++) {
                s[hh + j] += s[r + j] * s[hu + 2 * units + j];
            }
        } else {
            recurrentPart(s, h, 0, 2 * units, hu);
            for (int j = 0; j < 2 * units; j++) {
                s[xw + j] += s[hu + j];
            }
            JvmActivations.apply(recurrentActivation, s, z, 2 * units, units);
            for (int j = 0; j < units; j++) {
                s[rh + j] = s[r + j] * s[h + j];
            }
            recurrentPart(s, rh, 2 * units, units, hu + 2 * units);
            for (int j = 0; j < units; j++) {
                s[hh + j] += s[hu + 2 * units + j];
            }
        }
        JvmActivations.apply(activation, s, hh, units, units);
        for (int j = 0; j < units; j++) {
            float zj = s[z + j];
            s[h + j] = zj * s[h + j] + (1 - zj) * s[hh + j];
        }
    }

    /** {@code dst = v . U[:, from:from + count]}, for GRU without reset_after. */
    private void recurrentPart(float[] s, int v, int from, int count, int dst) {
        int width = gates * units;
        Arrays.fill(s, dst, dst + count, 0f);
        for (int i = 0; i < units; i++) {
            float hv = s[v + i];
            int row = i * width + from;
            for (int j = 0; j < count; j++) {
                s[dst + j] += hv * recurrentKernel[row + j];
            }
        }
    }
}
