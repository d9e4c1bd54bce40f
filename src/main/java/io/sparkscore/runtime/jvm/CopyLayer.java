package io.sparkscore.runtime.jvm;

/**
 * Layers whose inference output is their input, values and order unchanged: InputLayer, the dropout and noise
 * layers (inactive at inference), Flatten and Reshape (row-major order is kept, only the shape label changes).
 */
final class CopyLayer implements JvmLayer {

    private final int rowSize;

    CopyLayer(int rowSize) {
        this.rowSize = rowSize;
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        System.arraycopy(inputs[0], 0, output, 0, rows * rowSize);
    }
}
