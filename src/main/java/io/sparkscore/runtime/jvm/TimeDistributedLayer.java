package io.sparkscore.runtime.jvm;

/**
 * Keras TimeDistributed: the wrapped layer applied to every time step. A batch of {@code rows} rows of
 * {@code (timesteps, ...)} is, in row-major memory, a batch of {@code rows * timesteps} steps, so the wrapped layer
 * simply runs on that larger batch.
 */
final class TimeDistributedLayer implements JvmLayer {

    private final JvmLayer inner;
    private final int timesteps;

    TimeDistributedLayer(JvmLayer inner, int timesteps) {
        this.inner = inner;
        this.timesteps = timesteps;
    }

    @Override
    public int scratchSize(int rows) {
        return inner.scratchSize(rows * timesteps);
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        inner.forward(inputs, rows * timesteps, output, scratch, scratchOffset);
    }
}
