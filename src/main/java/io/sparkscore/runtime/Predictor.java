package io.sparkscore.runtime;

/**
 * Runs batches through a {@link LoadedModel}: flat float buffers in, flat float buffers out, no Spark types.
 *
 * <p>Buffers are row-major: input {@code i} holds {@code rows * signature().inputSize(i)} floats, output {@code j}
 * receives {@code rows * signature().outputSize(j)} floats. Arrays may be longer than needed (callers reuse
 * capacity-sized buffers); only the first {@code rows} rows are read and written. {@code rows} may be anything from
 * 1 to {@link #batchCapacity()}, so a short last batch needs no rebuild.
 *
 * <p>A model with an open (None) input dimension takes rows of varying length through
 * {@link #predict(float[][], int[][], int, float[][])} instead: the rows of such an input lie one after the other.
 *
 * <p>Not thread-safe: a predictor owns reusable scratch memory. Create one per task (partition) with
 * {@link LoadedModel#newPredictor(int)} and close it when the task ends:
 * <pre>{@code
 * try (Predictor p = model.newPredictor(1024)) {
 *     p.predict(inputs, rows, outputs);
 * }
 * }</pre>
 */
public interface Predictor extends AutoCloseable {

    int batchCapacity();

    void predict(float[][] inputs, int rows, float[][] outputs);

    /**
     * Scores rows whose inputs may have an open dimension: row {@code r} of input {@code i} occupies floats
     * {@code rowStarts[i][r]} to {@code rowStarts[i][r + 1]} of {@code inputs[i]}; {@code rowStarts[i]} is null for
     * an input of fixed size, laid out as above ({@code rowStarts} itself is null when every input is). Outputs are
     * laid out as above. Predictors of fixed-size models take only fixed-size rows.
     */
    default void predict(float[][] inputs, int[][] rowStarts, int rows, float[][] outputs) {
        if (rowStarts != null) {
            for (int[] starts : rowStarts) {
                if (starts != null) {
                    throw new PredictionException("this predictor scores fixed-size rows, but rows of varying"
                            + " length were given");
                }
            }
        }
        predict(inputs, rows, outputs);
    }

    /** Releases scratch memory and native handles; idempotent. */
    @Override
    void close();
}
