package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;

/**
 * Keras Bidirectional around SimpleRNN, LSTM or GRU: the forward layer reads the sequence in order, the backward
 * layer in reverse; a returned backward sequence is flipped back to forward time order, then both are merged with
 * {@code merge_mode} concat (forward first), sum, mul or ave.
 *
 * <p>Keras requires the two layers to read in opposite directions, so the backward layer always runs with the
 * opposite {@code go_backwards} of the forward one, whatever a reader copied into its config.
 */
final class BidirectionalLayer implements JvmLayer {

    private enum Merge { CONCAT, SUM, MUL, AVE }

    private final RecurrentLayer forward;
    private final RecurrentLayer backward;
    private final Merge merge;
    private final int steps;
    private final int units;
    private final int childRowSize;

    BidirectionalLayer(LayerSpec layer, int[] inShape) {
        LayerConfig c = layer.config();
        LayerSpec forwardSpec = layer.child(0);
        LayerSpec backwardSpec = layer.child(1);
        boolean forwardReversed = forwardSpec.config().getBoolean("go_backwards", false);
        this.forward = new RecurrentLayer(forwardSpec, inShape, forwardReversed);
        this.backward = new RecurrentLayer(backwardSpec, inShape, !forwardReversed);
        if (forward.units() != backward.units() || forward.returnsSequences() != backward.returnsSequences()) {
            throw c.unsupported("forward and backward layers differ in units or return_sequences");
        }
        this.merge = switch (c.getString("merge_mode", "concat")) {
            case "concat" -> Merge.CONCAT;
            case "sum" -> Merge.SUM;
            case "mul" -> Merge.MUL;
            case "ave" -> Merge.AVE;
            default -> throw c.unsupported("merge_mode '" + c.getString("merge_mode", null) + "' is not supported");
        };
        this.units = forward.units();
        this.steps = forward.returnsSequences() ? inShape[0] : 1;
        this.childRowSize = forward.outRowSize();
    }

    @Override
    public int scratchSize(int rows) {
        return 2 * rows * childRowSize + Math.max(forward.scratchSize(rows), backward.scratchSize(rows));
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        int f = scratchOffset;
        int b = f + rows * childRowSize;
        int childScratch = b + rows * childRowSize;
        forward.run(inputs, rows, scratch, f, scratch, childScratch);
        backward.run(inputs, rows, scratch, b, scratch, childScratch);
        int outStep = merge == Merge.CONCAT ? 2 * units : units;
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < steps; t++) {
                int fs = f + r * childRowSize + t * units;
                int bs = b + r * childRowSize + (steps - 1 - t) * units;
                int o = (r * steps + t) * outStep;
                if (merge == Merge.CONCAT) {
                    System.arraycopy(scratch, fs, output, o, units);
                    System.arraycopy(scratch, bs, output, o + units, units);
                    continue;
                }
                for (int j = 0; j < units; j++) {
                    float x = scratch[fs + j];
                    float y = scratch[bs + j];
                    output[o + j] = switch (merge) {
                        case SUM -> x + y;
                        case MUL -> x * y;
                        case AVE -> (x + y) / 2;
                        case CONCAT -> throw new IllegalStateException();
                    };
                }
            }
        }
    }
}
