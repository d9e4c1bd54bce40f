package io.sparkscore.runtime.jvm;

import io.sparkscore.model.Activation;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.ConvLstmOptions;

import java.util.Arrays;

/**
 * Keras ConvLSTM1D/2D/3D (see {@link ConvLstmOptions}) one row at a time: per step, the input convolution of the step
 * and the recurrent convolution of the state into scratch, then the LSTM gates per position and filter. Steps run in
 * reverse with {@code go_backwards}; the k-th step processed is output step k, as Keras' RNN returns it.
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

    ConvLstmLayer(LayerSpec layer, int[] inShape, int[] outShape, int kerasMajor) {
        ConvLstmOptions o = ConvLstmOptions.of(layer, kerasMajor);
        this.steps = inShape[0];
        int[] step = Arrays.copyOfRange(inShape, 1, inShape.length);
        int[] state = o.returnSequences() ? Arrays.copyOfRange(outShape, 1, outShape.length) : outShape;
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

    @Override
    public int scratchSize(int rows) {
        return 2 * 4 * stateSize + 2 * stateSize;
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] x = inputs[0];
        int zx = scratchOffset;
        int zh = zx + 4 * stateSize;
        int h = zh + 4 * stateSize;
        int c = h + stateSize;
        int positions = stateSize / filters;
        for (int r = 0; r < rows; r++) {
            Arrays.fill(scratch, h, c + stateSize, 0f);
            for (int k = 0; k < steps; k++) {
                int t = goBackwards ? steps - 1 - k : k;
                inputConv.convolveRow(x, (r * steps + t) * stepSize, scratch, zx);
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
                    System.arraycopy(scratch, h, output, (r * steps + k) * stateSize, stateSize);
                }
            }
            if (!returnSequences) {
                System.arraycopy(scratch, h, output, r * stateSize, stateSize);
            }
        }
    }

    private static double gate(Activation a, float[] scratch, int zx, int zh, int at) {
        return JvmActivations.elementwise(a, (float) (scratch[zx + at] + scratch[zh + at]));
    }
}
