package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;

/**
 * Keras Bidirectional around SimpleRNN, LSTM or GRU: the forward layer reads the sequence in order, the backward
 * layer in reverse; a returned backward sequence is flipped back to forward time order, then both are merged with
 * {@code merge_mode} concat (forward first; the two layers may differ in units), sum, mul or ave.
 *
 * <p>Keras requires the two layers to read in opposite directions, so the backward layer always runs with the
 * opposite {@code go_backwards} of the forward one, whatever a reader copied into its config. With a Keras mask,
 * both layers skip the masked steps and, when they return sequences, output zeros there (Keras sets
 * {@code zero_output_for_mask} on both).
 */
final class BidirectionalLayer implements JvmLayer {

    private enum Merge { CONCAT, SUM, MUL, AVE }

    private final RecurrentLayer forward;
    private final RecurrentLayer backward;
    private final Merge merge;
    private final int steps;
    private final int forwardUnits;
    private final int backwardUnits;

    BidirectionalLayer(LayerSpec layer, int[] inShape, int kerasMajor, int maskInput) {
        LayerConfig c = layer.config();
        LayerSpec forwardSpec = layer.child(0);
        LayerSpec backwardSpec = layer.child(1);
        boolean forwardReversed = forwardSpec.config().getBoolean("go_backwards", false);
        boolean sequences = forwardSpec.config().getBoolean("return_sequences", false);
        this.forward = new RecurrentLayer(forwardSpec, inShape, forwardReversed, kerasMajor, maskInput, sequences);
        this.backward = new RecurrentLayer(backwardSpec, inShape, !forwardReversed, kerasMajor, maskInput,
                sequences);
        this.merge = switch (c.getString("merge_mode", "concat")) {
            case "concat" -> Merge.CONCAT;
            case "sum" -> Merge.SUM;
            case "mul" -> Merge.MUL;
            case "ave" -> Merge.AVE;
            default -> throw c.unsupported("merge_mode '" + c.getString("merge_mode", null) + "' is not supported");
        };
        if (forward.returnsSequences() != backward.returnsSequences()) {
            throw c.unsupported("forward and backward layers differ in return_sequences");
        }
        if (merge != Merge.CONCAT && forward.units() != backward.units()) {
            throw c.unsupported("merge_mode " + c.getString("merge_mode", null) + " needs forward and backward"
                    + " layers of equal units but they have " + forward.units() + " and " + backward.units());
        }
        this.forwardUnits = forward.units();
        this.backwardUnits = backward.units();
        this.steps = forward.returnsSequences() ? inShape[0] : 1;
    }

    @Override
    public int scratchSize(int rows) {
        return rows * (forward.outRowSize() + backward.outRowSize())
                + Math.max(forward.scratchSize(rows), backward.scratchSize(rows));
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        int f = scratchOffset;
        int b = f + rows * forward.outRowSize();
        int childScratch = b + rows * backward.outRowSize();
        forward.run(inputs, rows, scratch, f, scratch, childScratch);
        backward.run(inputs, rows, scratch, b, scratch, childScratch);
        int outStep = merge == Merge.CONCAT ? forwardUnits + backwardUnits : forwardUnits;
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < steps; t++) {
                int fs = f + r * forward.outRowSize() + t * forwardUnits;
                int bs = b + r * backward.outRowSize() + (steps - 1 - t) * backwardUnits;
                int o = (r * steps + t) * outStep;
                if (merge == Merge.CONCAT) {
                    System.arraycopy(scratch, fs, output, o, forwardUnits);
                    System.arraycopy(scratch, bs, output, o + forwardUnits, backwardUnits);
                    continue;
                }
                for (int j = 0; j < forwardUnits; j++) {
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
