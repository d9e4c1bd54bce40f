package io.sparkscore.runtime.jvm;

import io.sparkscore.model.Activation;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.ConvLstmOptions;

import java.util.Arrays;

/**
 * Keras ConvLSTM1D/2D/3D (see {@link ConvLstmOptions}) one row at a time: per step, the input convolution of the step
 * and the recurrent convolution of the state into scratch, then the LSTM gates per position and filter. Steps run in
 * reverse with {@code go_backwards}; the k-th step processed is output step k, as Keras' RNN returns it.
 * channels_first: each step is gathered channels last into scratch first, and the state written out filters first.
 */
final class ConvLstmLayer implements JvmLayer {

    private final ConvolutionLayer inputConv;
    private final ConvolutionLayer recurrentConv;
    private final Activation activation;
    private final Activation recurrentActivation;
    private final boolean returnSequences;
    private final boolean goBackwards;
    private final int steps;
    private final int stepSize;
    private final int filters;
    /** Floats of the state h (and c): output positions times filters. */
    private final int stateSize;
    /** channels_first: per channels_last step position its source in the step, per output position its state value. */
    private final int[] stepToLast;
    private final int[] stateToFirst;

    ConvLstmLayer(LayerSpec layer, int[] inShape, int[] outShape, int kerasMajor) {
        ConvLstmOptions o = ConvLstmOptions.of(layer, kerasMajor);
        this.steps = inShape[0];
        int[] step = Arrays.copyOfRange(inShape, 1, inShape.length);
        int[] state = o.returnSequences() ? Arrays.copyOfRange(outShape, 1, outShape.length) : outShape;
        if (o.channelsFirst()) {
            this.stepToLast = IndexMaps.permute(step, channelsLast(step.length));
            step = moved(step, channelsLast(step.length));
            int[] lastState = moved(state, channelsLast(state.length));
            this.stateToFirst = IndexMaps.permute(lastState, channelsFirst(state.length));
            state = lastState;
        } else {
            this.stepToLast = null;
            this.stateToFirst = null;
        }
        this.inputConv = new ConvolutionLayer(o.inputConvolution(layer), step);
        this.recurrentConv = new ConvolutionLayer(o.recurrentConvolution(layer), state);
        this.activation = o.activation();
        this.recurrentActivation = o.recurrentActivation();
        this.returnSequences = o.returnSequences();
        this.goBackwards = o.goBackwards();
        this.stepSize = Weights.size(step);
        this.filters = o.filters();
        this.stateSize = Weights.size(state);
    }

    /** Axis order moving axis 0 (channels) last. */
    private static int[] channelsLast(int rank) {
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = (i + 1) % rank;
        }
        return dims;
    }

    /** Axis order moving the last axis (filters) first. */
    private static int[] channelsFirst(int rank) {
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = (i + rank - 1) % rank;
        }
        return dims;
    }

    private static int[] moved(int[] shape, int[] dims) {
        int[] r = new int[shape.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = shape[dims[i]];
        }
        return r;
    }

    @Override
    public int scratchSize(int rows) {
        return 2 * 4 * stateSize + 2 * stateSize + (stepToLast == null ? 0 : stepSize);
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] x = inputs[0];
        int zx = scratchOffset;
        int zh = zx + 4 * stateSize;
        int h = zh + 4 * stateSize;
        int c = h + stateSize;
        int moved = c + stateSize;
        int positions = stateSize / filters;
        for (int r = 0; r < rows; r++) {
            Arrays.fill(scratch, h, c + stateSize, 0f);
            for (int k = 0; k < steps; k++) {
                int t = goBackwards ? steps - 1 - k : k;
                int from = (r * steps + t) * stepSize;
                if (stepToLast != null) {
                    for (int p = 0; p < stepSize; p++) {
                        scratch[moved + p] = x[from + stepToLast[p]];
                    }
                    inputConv.convolveRow(scratch, moved, scratch, zx);
                } else {
                    inputConv.convolveRow(x, from, scratch, zx);
                }
                recurrentConv.convolveRow(scratch, h, scratch, zh);
                for (int p = 0; p < positions; p++) {
                    int z = p * 4 * filters;
                    for (int j = 0; j < filters; j++) {
                        double i = gate(recurrentActivation, scratch, zx, zh, z + j);
                        double f = gate(recurrentActivation, scratch, zx, zh, z + filters + j);
                        double g = gate(activation, scratch, zx, zh, z + 2 * filters + j);
                        double og = gate(recurrentActivation, scratch, zx, zh, z + 3 * filters + j);
                        int s = p * filters + j;
                        float cell = (float) (f * scratch[c + s] + i * g);
                        scratch[c + s] = cell;
                        scratch[h + s] = (float) (og * JvmActivations.elementwise(activation, cell));
                    }
                }
                if (returnSequences) {
                    writeState(scratch, h, output, (r * steps + k) * stateSize);
                }
            }
            if (!returnSequences) {
                writeState(scratch, h, output, r * stateSize);
            }
        }
    }

    private void writeState(float[] scratch, int h, float[] output, int at) {
        if (stateToFirst == null) {
            System.arraycopy(scratch, h, output, at, stateSize);
            return;
        }
        for (int p = 0; p < stateSize; p++) {
            output[at + p] = scratch[h + stateToFirst[p]];
        }
    }

    private static double gate(Activation a, float[] scratch, int zx, int zh, int at) {
        return JvmActivations.elementwise(a, (float) (scratch[zx + at] + scratch[zh + at]));
    }
}
