package io.sparkscore.runtime;

/**
 * Runs batches through a {@link LoadedModel}: flat float buffers in, flat float buffers out, no Spark types.
 *
 * <p>Buffers are row-major: input {@code i} holds {@code rows * signature().inputSize(i)} floats, output {@code j}
 * receives {@code rows * signature().outputSize(j)} floats. Arrays may be longer than needed (callers reuse
 * capacity-sized buffers); only the first {@code rows} rows are read and written. {@code rows} may be anything from
 * 1 to {@link #batchCapacity()}, so a short last batch needs no rebuild.
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

    /** Releases scratch memory and native handles; idempotent. */
    @Override
    void close();
}
