package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.ConvLstmOptions;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Stack;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keras ConvLSTM1D/2D/3D (see {@link ConvLstmOptions}) unrolled over the static time axis: the input convolution of
 * every step at once (time folded into the batch), then per step the recurrent convolution of the state and the LSTM
 * gates, both convolutions built by {@link ConvLayers} from the plain Conv layers the options describe. channels_first
 * runs between transposes (channels last in, filters back after time out).
 */
final class ConvLstmLayer implements TfLayerBuilder {

    private final int rank;

    ConvLstmLayer(int rank) {
        this.rank = rank;
    }

    @Override
    public void validate(LayerSpec layer) {
        ConvLstmOptions o = ConvLstmOptions.of(layer, 3);
        ConvLayers conv = new ConvLayers(rank, ConvLayers.Kind.STANDARD);
        conv.validate(o.inputConvolution(layer));
        conv.validate(o.recurrentConvolution(layer));
    }

    @Override
    public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
        ConvLstmOptions o = ConvLstmOptions.of(layer, ops.kerasMajor());
        ConvLayers conv = new ConvLayers(rank, ConvLayers.Kind.STANDARD);
        Operand<TFloat32> x = inputs.get(0);
        if (o.channelsFirst()) {
            // (batch, time, channels, spatial...) to (batch, time, spatial..., channels)
            int[] perm = new int[rank + 3];
            perm[1] = 1;
            for (int i = 0; i < rank; i++) {
                perm[2 + i] = 3 + i;
            }
            perm[rank + 2] = 2;
            x = ops.transpose(x, perm);
        }
        int[] shape = TfOps.shape(x);
        int steps = shape[0];
        if (steps > RecurrentLayers.MAX_STEPS) {
            throw layer.config().unsupported("a sequence of " + steps + " steps is longer than the "
                    + RecurrentLayers.MAX_STEPS + " steps the tf path unrolls; use the jvm path");
        }
        int[] step = Arrays.copyOfRange(shape, 1, shape.length);
        Operand<TFloat32> projected = conv.build(ops, o.inputConvolution(layer), List.of(ops.reshape(x, step)));
        int[] z = TfOps.shape(projected);
        int[] byStep = new int[z.length + 1];
        byStep[0] = steps;
        System.arraycopy(z, 0, byStep, 1, z.length);
        projected = ops.reshape(projected, byStep);
        int f = o.filters();
        int channelAxis = z.length;
        LayerSpec recurrent = o.recurrentConvolution(layer);
        Operand<TFloat32> h = null;
        Operand<TFloat32> c = null;
        List<Operand<TFloat32>> outputs = new ArrayList<>();
        for (int k = 0; k < steps; k++) {
            int t = o.goBackwards() ? steps - 1 - k : k;
            Operand<TFloat32> zt = ops.reshape(ops.slice(projected, 1, t, 1), z);
            if (h != null) {
                zt = ops.add(zt, conv.build(ops, recurrent, List.of(h)));
            }
            Operand<TFloat32> i = TfActivations.apply(ops, o.recurrentActivation(), ops.slice(zt, channelAxis, 0, f));
            Operand<TFloat32> fg = TfActivations.apply(ops, o.recurrentActivation(),
                    ops.slice(zt, channelAxis, f, f));
            Operand<TFloat32> g = TfActivations.apply(ops, o.activation(), ops.slice(zt, channelAxis, 2 * f, f));
            Operand<TFloat32> og = TfActivations.apply(ops, o.recurrentActivation(),
                    ops.slice(zt, channelAxis, 3 * f, f));
            c = c == null ? ops.mul(i, g) : ops.add(ops.mul(fg, c), ops.mul(i, g));
            h = ops.mul(og, TfActivations.apply(ops, o.activation(), c));
            outputs.add(h);
        }
        Operand<TFloat32> y = o.returnSequences() ? ops.tf().stack(outputs, Stack.axis(1L)) : h;
        return o.channelsFirst() ? filtersFirst(ops, y, o.returnSequences() ? 2 : 1) : y;
    }

    /** Moves the last axis (the filters) to {@code at}, the first axis after the batch and time. */
    private static Operand<TFloat32> filtersFirst(TfOps ops, Operand<TFloat32> y, int at) {
        int n = TfOps.rank(y);
        int[] perm = new int[n];
        for (int i = 0, from = 0; i < n; i++) {
            perm[i] = i == at ? n - 1 : from++;
        }
        return ops.transpose(y, perm);
    }
}
