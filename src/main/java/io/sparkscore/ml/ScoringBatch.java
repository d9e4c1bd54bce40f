package io.sparkscore.ml;

/**
 * One batch of rows on its way through the model: the rows' features mapped into reusable input buffers, whatever a
 * row format must keep of each row until its predictions are known, and the output buffers the predictor fills.
 * Scoring and calibration both use it, so calibration times exactly the conversions scoring performs. Not
 * thread-safe.
 *
 * @param <I> the rows read ({@code Row} or Spark's internal rows)
 * @param <O> the rows emitted
 */
abstract class ScoringBatch<I, O> {

    /** Rows of open (sequence) inputs to start with: their buffers grow to the longest batch met. */
    private static final int INITIAL_STEPS_PER_ROW = 8;

    private final float[][] inputs;
    private final float[][] outputs;
    /** Per open (sequence) input, where each row starts in its buffer (rows one after the other); else null. */
    private final int[][] rowStarts;
    private int size;

    /** @param inputSizes per input, floats per row, or per step for an open input of {@code sequences} */
    ScoringBatch(int[] inputSizes, SequenceLengths sequences, OutputLayout output, int capacity) {
        this.inputs = new float[inputSizes.length][];
        int[][] starts = null;
        for (int i = 0; i < inputSizes.length; i++) {
            if (sequences.isOpen(i)) {
                starts = starts == null ? new int[inputSizes.length][] : starts;
                starts[i] = new int[capacity + 1];
                inputs[i] = new float[capacity * inputSizes[i] * Math.min(INITIAL_STEPS_PER_ROW,
                        sequences.maxSteps())];
            } else {
                inputs[i] = new float[capacity * inputSizes[i]];
            }
        }
        this.rowStarts = starts;
        this.outputs = output.allocate(capacity);
    }

    /** Where each row of the open (sequence) inputs starts (see {@link FeatureMapping}); null when there are none. */
    final int[][] rowStarts() {
        return rowStarts;
    }

    final void clear() {
        size = 0;
    }

    final int size() {
        return size;
    }

    /** Maps the row into the next slot; a bad row throws {@link BadRowException} and leaves the batch unchanged. */
    final void add(I row) {
        fill(row, size);
        size++;
    }

    final float[][] inputs() {
        return inputs;
    }

    final float[][] outputs() {
        return outputs;
    }

    /** Writes the row's features into slot {@code slot} of {@link #inputs()} and keeps what the output needs. */
    abstract void fill(I row, int slot);

    /** The output row for slot {@code r}: kept values, then one value per prediction column. */
    abstract O output(int r);
}
