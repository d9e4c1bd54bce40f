package io.sparkscore.runtime.jvm;

import io.sparkscore.model.Activation;

/** Keras' Activation layer: one activation on the whole tensor, softmax over the last axis. */
final class ActivationLayer implements JvmLayer {

    private final Activation activation;
    private final int rowSize;
    private final int lastAxis;

    ActivationLayer(Activation activation, int[] shape) {
        this.activation = activation;
        this.rowSize = Weights.size(shape);
        this.lastAxis = shape[shape.length - 1];
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        int n = rows * rowSize;
        System.arraycopy(inputs[0], 0, output, 0, n);
        JvmActivations.apply(activation, output, 0, n, lastAxis);
    }
}
