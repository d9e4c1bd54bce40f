package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Shapes;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Layers that wrap other layers: Bidirectional and TimeDistributed. */
final class WrapperLayers {

    private WrapperLayers() {
    }

    /**
     * Bidirectional: the backward layer always runs opposite to the forward one (Keras enforces
     * {@code backward.go_backwards == !forward.go_backwards}, so that rule is applied whatever the backward child's
     * config says); with return_sequences its output is flipped back into forward time order before merging.
     */
    static final class Bidirectional implements TfLayerBuilder, MaskConsumer {
        private static final List<String> MERGE_MODES = List.of("concat", "sum", "mul", "ave");

        @Override
        public void validate(LayerSpec layer) {
            LayerConfig c = layer.config();
            String mode = mergeMode(c);
            if (mode == null) {
                throw c.unsupported("merge_mode=None (two separate outputs) is not supported; use concat, sum, mul"
                        + " or ave");
            }
            if (!MERGE_MODES.contains(mode)) {
                throw c.unsupported("merge_mode '" + mode + "' is not understood; expected one of " + MERGE_MODES);
            }
            if (layer.children().size() != 2) {
                throw c.unsupported("should wrap a forward and a backward layer but wraps " + layer.children().size());
            }
            for (LayerSpec child : layer.children()) {
                if (!(TfLayers.validated(child) instanceof RecurrentLayers)) {
                    throw c.unsupported("wraps '" + child.name() + "' (" + child.className()
                            + "), which is not a recurrent layer");
                }
            }
            if (RecurrentLayers.returnSequences(layer.child(0)) != RecurrentLayers.returnSequences(layer.child(1))) {
                throw c.unsupported("forward and backward layers disagree on return_sequences");
            }
        }

        private static String mergeMode(LayerConfig c) {
            if (!c.asMap().containsKey("merge_mode")) {
                return "concat";
            }
            Object v = c.raw("merge_mode");
            return v == null ? null : String.valueOf(v).toLowerCase(Locale.ROOT);
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            return buildMasked(ops, layer, inputs, null);
        }

        @Override
        public Operand<TFloat32> outputMask(LayerSpec layer, Operand<TFloat32> mask) {
            return RecurrentLayers.returnSequences(layer.child(0)) ? mask : null;
        }

        /** Keras forces zero outputs at masked steps in both directions when the wrapper returns sequences. */
        @Override
        public Operand<TFloat32> buildMasked(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs,
                                            Operand<TFloat32> mask) {
            LayerSpec forward = layer.child(0);
            LayerSpec backward = layer.child(1);
            boolean forwardGoesBackwards = forward.config().getBoolean("go_backwards", false);
            RecurrentLayers forwardRnn = (RecurrentLayers) TfLayers.validated(forward);
            RecurrentLayers backwardRnn = (RecurrentLayers) TfLayers.validated(backward);
            Operand<TFloat32> x = inputs.get(0);
            // an initial_state lists the forward states, then the backward ones
            List<Operand<TFloat32>> states = inputs.subList(1, inputs.size());
            int half = states.isEmpty() ? 0 : forwardRnn.stateCount();
            if (!states.isEmpty() && states.size() != forwardRnn.stateCount() + backwardRnn.stateCount()) {
                throw layer.config().unsupported("initial_state should hold " + (forwardRnn.stateCount()
                        + backwardRnn.stateCount()) + " tensors (forward, then backward) but " + states.size()
                        + " were given");
            }
            boolean sequences = RecurrentLayers.returnSequences(forward);
            Operand<TFloat32> yf = forwardRnn.run(ops, forward, x, states.subList(0, half), forwardGoesBackwards,
                    mask, sequences);
            Operand<TFloat32> yb = backwardRnn.run(ops, backward, x, states.subList(half, states.size()),
                    !forwardGoesBackwards, mask, sequences);
            if (sequences) {
                yb = ops.reverse(yb, 1);
            }
            return switch (mergeMode(layer.config())) {
                case "sum" -> ops.add(yf, yb);
                case "mul" -> ops.mul(yf, yb);
                case "ave" -> ops.mul(ops.add(yf, yb), ops.scalar(0.5));
                default -> ops.concat(List.of(yf, yb), TfOps.rank(yf) - 1);
            };
        }
    }

    /** TimeDistributed: folds time into the batch, applies the inner layer once, unfolds the result. */
    static final class TimeDistributed implements TfLayerBuilder {
        @Override
        public void validate(LayerSpec layer) {
            if (layer.children().size() != 1) {
                throw layer.config().unsupported("should wrap one layer but wraps " + layer.children().size());
            }
            TfLayers.validated(layer.child(0));
        }

        @Override
        public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
            LayerSpec inner = layer.child(0);
            int[] shape = TfOps.shape(inputs.get(0));
            if (shape.length < 2) {
                throw layer.config().unsupported("needs a (batch, time, ...) input but got rank " + (shape.length + 1));
            }
            int steps = shape[0];
            int[] perStep = Arrays.copyOfRange(shape, 1, shape.length);
            Operand<TFloat32> folded = ops.reshape(inputs.get(0), perStep);
            Operand<TFloat32> y = TfLayers.validated(inner).build(ops, inner, List.of(folded));
            return ops.reshape(y, Shapes.concat(new int[] {steps}, TfOps.shape(y)));
        }
    }
}
