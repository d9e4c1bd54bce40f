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

    private final float[][] inputs;
    private final float[][] outputs;
    private int size;

    ScoringBatch(int[] inputSizes, OutputLayout output, int capacity) {
        this.inputs = new float[inputSizes.length][];
        for (int i = 0; i < inputSizes.length; i++) {
            inputs[i] = new float[capacity * inputSizes[i]];
        }
        this.outputs = output.allocate(capacity);
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
