package io.sparkscore.runtime.tf;

import io.sparkscore.model.Activation;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Tensor;
import io.sparkscore.model.layers.RecurrentOptions;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Split;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SimpleRNN, LSTM and GRU with Keras' cell equations, unrolled over the (static) time axis: the input projection of
 * all steps is one matmul, then each step adds its recurrent matmul and gate ops. Starts from zero state; with
 * {@code go_backwards} steps run last to first and a returned sequence stays in that processing order, as in Keras.
 */
final class RecurrentLayers implements TfLayerBuilder, MaskConsumer {

    /** Unrolling is linear in graph size; longer sequences are refused rather than built into a huge graph. */
    static final int MAX_STEPS = 1000;

    enum Cell {
        SIMPLE_RNN(1), LSTM(4), GRU(3);

        final int gates;

        Cell(int gates) {
            this.gates = gates;
        }
    }

    private final Cell cell;

    RecurrentLayers(Cell cell) {
        this.cell = cell;
    }

    @Override
    public void validate(LayerSpec layer) {
        LayerConfig c = layer.config();
        int units = c.requireInt("units");
        for (String flag : new String[] {"return_state", "stateful", "time_major"}) {
            if (c.getBoolean(flag, false)) {
                throw c.unsupported(flag + "=true is not supported" + switch (flag) {
                    case "return_state" -> " (one layer giving several outputs)";
                    case "stateful" -> " (state carried between batches depends on how rows are split)";
                    default -> " (inputs are batch-major)";
                });
            }
        }
        TfActivations.of(layer, "activation", "tanh");
        if (cell != Cell.SIMPLE_RNN) {
            TfActivations.of(layer, "recurrent_activation", "sigmoid");
        }
        checkShape(layer, "kernel", -1, cell.gates * units);
        checkShape(layer, "recurrent_kernel", units, cell.gates * units);
        if (c.getBoolean("use_bias", true)) {
            Tensor bias = layer.weight("bias");
            // with a bias, reset_after does not depend on the Keras version (see RecurrentOptions)
            boolean twoBiases = RecurrentOptions.of(layer, 3).resetAfter();
            int[] expected = twoBiases ? new int[] {2, cell.gates * units} : new int[] {cell.gates * units};
            if (!Arrays.equals(bias.shape(), expected)) {
                throw c.unsupported("weight 'bias' has shape " + Arrays.toString(bias.shape()) + " but "
                        + Arrays.toString(expected) + " was expected" + (cell == Cell.GRU ? " for reset_after="
                        + twoBiases : ""));
            }
        }
    }

    private static void checkShape(LayerSpec layer, String name, int rows, int cols) {
        int[] s = layer.weight(name).shape();
        if (s.length != 2 || (rows >= 0 && s[0] != rows) || s[1] != cols) {
            throw layer.config().unsupported("weight '" + name + "' has shape " + Arrays.toString(s) + " but ["
                    + (rows >= 0 ? rows : "input_dim") + ", " + cols + "] was expected");
        }
    }

    static boolean returnSequences(LayerSpec layer) {
        return layer.config().getBoolean("return_sequences", false);
    }

    /** How many state tensors an initial_state holds: (h, c) for LSTM, h otherwise. */
    int stateCount() {
        return cell == Cell.LSTM ? 2 : 1;
    }

    /** Inputs are the sequence, optionally followed by the initial state tensors (Keras' {@code initial_state}). */
    @Override
    public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
        return buildMasked(ops, layer, inputs, null);
    }

    /**
     * A masked step keeps the previous state, and its output repeats the previous output (zeros before the first
     * step), as Keras' generic RNN loop does.
     */
    @Override
    public Operand<TFloat32> buildMasked(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs,
                                        Operand<TFloat32> mask) {
        return run(ops, layer, inputs.get(0), inputs.subList(1, inputs.size()),
                layer.config().getBoolean("go_backwards", false), mask, false);
    }

    @Override
    public Operand<TFloat32> outputMask(LayerSpec layer, Operand<TFloat32> mask) {
        return returnSequences(layer) ? mask : null;
    }

    /**
     * Runs the layer over {@code x} (batch, time, features) in the given direction, from zero state or from
     * {@code initialState} (empty, or one tensor per state). With a {@code mask}, masked steps keep the state and
     * output either the previous output or, with {@code zeroOutputForMask} (Keras' Bidirectional returning
     * sequences), zeros.
     */
    Operand<TFloat32> run(TfOps ops, LayerSpec layer, Operand<TFloat32> x, List<Operand<TFloat32>> initialState,
                          boolean goBackwards, Operand<TFloat32> mask, boolean zeroOutputForMask) {
        Ops tf = ops.tf();
        LayerConfig c = layer.config();
        int units = c.requireInt("units");
        int[] shape = TfOps.shape(x);
        if (shape.length != 2) {
            throw c.unsupported("expects a (batch, time, features) input but got rank " + (shape.length + 1));
        }
        int steps = shape[0];
        if (steps > MAX_STEPS) {
            throw c.unsupported("a sequence of " + steps + " steps is longer than the " + MAX_STEPS
                    + " steps the tf path unrolls; use the jvm path");
        }
        boolean useBias = c.getBoolean("use_bias", true);
        boolean twoBiases = RecurrentOptions.of(layer, ops.kerasMajor()).resetAfter();
        Tensor bias = useBias ? layer.weight("bias") : null;
        int width = cell.gates * units;

        Operand<TFloat32> projected = ops.matmulLastAxis(x, ops.constant(layer.weight("kernel")));
        if (useBias) {
            projected = ops.add(projected, twoBiases ? ops.constant(new int[] {width},
                    Arrays.copyOfRange(bias.data(), 0, width)) : ops.constant(bias));
        }
        Operand<TFloat32> recurrentBias = useBias && twoBiases
                ? ops.constant(new int[] {width}, Arrays.copyOfRange(bias.data(), width, 2 * width)) : null;
        List<Operand<TFloat32>> perStep = new ArrayList<>(
                tf.unstack(projected, (long) steps, Unstack.axis(1L)).output());

        Activation act = TfActivations.of(layer, "activation", "tanh");
        Activation recAct = cell == Cell.SIMPLE_RNN ? null
                : TfActivations.of(layer, "recurrent_activation", "sigmoid");
        Step step;
        if (cell == Cell.GRU && !twoBiases) {
            // reset_after=false applies the candidate columns to r * h, so the kernel is used in two parts
            Tensor k = layer.weight("recurrent_kernel");
            step = new Step(ops, columns(ops, k, 0, 2 * units), null, act, recAct, false,
                    columns(ops, k, 2 * units, units));
        } else {
            step = new Step(ops, ops.constant(layer.weight("recurrent_kernel")), recurrentBias, act, recAct,
                    twoBiases, null);
        }

        if (!initialState.isEmpty() && initialState.size() != stateCount()) {
            throw c.unsupported("initial_state should hold " + stateCount() + " tensors but " + initialState.size()
                    + " were given");
        }
        Operand<TFloat32> h = initialState.isEmpty() ? zeros(ops, x, units) : initialState.get(0);
        Operand<TFloat32> carry = cell != Cell.LSTM ? null : initialState.isEmpty() ? h : initialState.get(1);
        List<Operand<TFloat32>> stepMasks = mask == null ? null : new ArrayList<>(tf.unstack(
                tf.expandDims(mask, ops.scalarInt(2)), (long) steps, Unstack.axis(1L)).output());
        Operand<TFloat32> previousOutput = mask == null || zeroOutputForMask ? null : zeros(ops, x, units);
        List<Operand<TFloat32>> outputs = new ArrayList<>(steps);
        for (int k = 0; k < steps; k++) {
            int t = goBackwards ? steps - 1 - k : k;
            Operand<TFloat32> xt = perStep.get(t);
            Operand<TFloat32> newH;
            Operand<TFloat32> newCarry = null;
            switch (cell) {
                case SIMPLE_RNN -> newH = step.simple(xt, h);
                case LSTM -> {
                    Operand<TFloat32>[] hc = step.lstm(xt, h, carry);
                    newH = hc[0];
                    newCarry = hc[1];
                }
                default -> newH = step.gru(xt, h);
            }
            Operand<TFloat32> output;
            if (stepMasks == null) {
                h = newH;
                carry = newCarry;
                output = newH;
            } else {
                Operand<TFloat32> m = stepMasks.get(t);
                h = blend(ops, m, newH, h);
                carry = newCarry == null ? null : blend(ops, m, newCarry, carry);
                output = zeroOutputForMask ? ops.mul(newH, m) : blend(ops, m, newH, previousOutput);
                previousOutput = output;
            }
            outputs.add(output);
        }
        if (!returnSequences(layer)) {
            return outputs.get(steps - 1);
        }
        return tf.stack(outputs, Stack.axis(1L));
    }

    /** {@code m ? a : b} row by row for a (batch, 1) mask of ones and zeros. */
    private static Operand<TFloat32> blend(TfOps ops, Operand<TFloat32> m, Operand<TFloat32> a, Operand<TFloat32> b) {
        return ops.add(ops.mul(m, a), ops.mul(ops.sub(ops.scalar(1), m), b));
    }

    /** Columns {@code from .. from+count} of a 2-D weight, as a constant. */
    private static Operand<TFloat32> columns(TfOps ops, Tensor w, int from, int count) {
        int rows = w.dim(0);
        int width = w.dim(1);
        float[] cols = new float[rows * count];
        for (int row = 0; row < rows; row++) {
            System.arraycopy(w.data(), row * width + from, cols, row * count, count);
        }
        return ops.constant(new int[] {rows, count}, cols);
    }

    /** Zero state of shape (batch, units), batch taken from the input at run time. */
    private static Operand<TFloat32> zeros(TfOps ops, Operand<TFloat32> x, int units) {
        Ops tf = ops.tf();
        Operand<TInt32> batch = tf.slice(tf.shape(x), ops.ints(0), ops.ints(1));
        return tf.fill(tf.concat(List.of(batch, ops.ints(units)), ops.scalarInt(0)), ops.scalar(0));
    }

    /**
     * One time step of each cell type; {@code xt} already holds x·W + input bias for all gates. For a
     * reset_after=false GRU {@code recurrentKernel} holds only the z and r columns and {@code candidateKernel} the h
     * columns.
     */
    private record Step(TfOps ops, Operand<TFloat32> recurrentKernel, Operand<TFloat32> recurrentBias,
                        Activation act, Activation recAct, boolean resetAfter, Operand<TFloat32> candidateKernel) {

        Operand<TFloat32> simple(Operand<TFloat32> xt, Operand<TFloat32> h) {
            return apply(act, ops.add(xt, matmul(h, recurrentKernel)));
        }

        @SuppressWarnings("unchecked")
        Operand<TFloat32>[] lstm(Operand<TFloat32> xt, Operand<TFloat32> h, Operand<TFloat32> c) {
            List<Operand<TFloat32>> z = split(ops.add(xt, matmul(h, recurrentKernel)), 4);
            Operand<TFloat32> i = apply(recAct, z.get(0));
            Operand<TFloat32> f = apply(recAct, z.get(1));
            Operand<TFloat32> g = apply(act, z.get(2));
            Operand<TFloat32> o = apply(recAct, z.get(3));
            Operand<TFloat32> newC = ops.add(ops.mul(f, c), ops.mul(i, g));
            return new Operand[] {ops.mul(o, apply(act, newC)), newC};
        }

        Operand<TFloat32> gru(Operand<TFloat32> xt, Operand<TFloat32> h) {
            List<Operand<TFloat32>> x = split(xt, 3);
            Operand<TFloat32> z;
            Operand<TFloat32> candidate;
            if (resetAfter) {
                Operand<TFloat32> rec = matmul(h, recurrentKernel);
                if (recurrentBias != null) {
                    rec = ops.add(rec, recurrentBias);
                }
                List<Operand<TFloat32>> r3 = split(rec, 3);
                z = apply(recAct, ops.add(x.get(0), r3.get(0)));
                Operand<TFloat32> r = apply(recAct, ops.add(x.get(1), r3.get(1)));
                candidate = apply(act, ops.add(x.get(2), ops.mul(r, r3.get(2))));
            } else {
                Operand<TFloat32> rec = matmul(h, recurrentKernel);
                List<Operand<TFloat32>> r2 = split(rec, 2);
                z = apply(recAct, ops.add(x.get(0), r2.get(0)));
                Operand<TFloat32> r = apply(recAct, ops.add(x.get(1), r2.get(1)));
                candidate = apply(act, ops.add(x.get(2), matmul(ops.mul(r, h), candidateKernel)));
            }
            // h = z * h_prev + (1 - z) * candidate
            return ops.add(ops.mul(z, h), ops.mul(ops.sub(ops.scalar(1), z), candidate));
        }

        private Operand<TFloat32> matmul(Operand<TFloat32> a, Operand<TFloat32> b) {
            return ops.tf().linalg.matMul(a, b);
        }

        private Operand<TFloat32> apply(Activation a, Operand<TFloat32> v) {
            return TfActivations.apply(ops, a, v);
        }

        private List<Operand<TFloat32>> split(Operand<TFloat32> v, int parts) {
            Split<TFloat32> s = ops.tf().split(ops.scalarInt(1), v, (long) parts);
            return new ArrayList<>(s.output());
        }
    }
}
