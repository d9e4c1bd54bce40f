package io.sparkscore.runtime.tf;

import io.sparkscore.runtime.ModelSignature;
import io.sparkscore.runtime.PredictionException;
import io.sparkscore.runtime.Predictor;
import org.tensorflow.types.TFloat32;

/**
 * Scores batches of up to {@link #batchCapacity()} rows through a shared {@link TfModel} or {@link TfSavedModel}: each
 * {@link #predict(float[][], int, float[][])} fills input tensors, runs the session once and copies the outputs back.
 * On a {@link TfModel}, full batches reuse input tensors the predictor keeps (allocating them per call was half the
 * cost of a small-batch call); other batches use temporary tensors freed before the call returns.
 *
 * <p>Not thread-safe (one per task). Owns the reused native tensors: {@link #close()} (idempotent) frees them.
 */
public final class TfPredictor implements Predictor {

    private final BatchRunner model;
    private final ModelSignature signature;
    private final int batchCapacity;
    private TFloat32[] fullBatchInputs;
    private boolean closed;

    TfPredictor(BatchRunner model, int batchCapacity) {
        if (batchCapacity < 1) {
            throw new IllegalArgumentException("batchCapacity must be at least 1, got " + batchCapacity);
        }
        this.model = model;
        this.signature = model.signature();
        this.batchCapacity = batchCapacity;
    }

    @Override
    public int batchCapacity() {
        return batchCapacity;
    }

    @Override
    public void predict(float[][] inputs, int rows, float[][] outputs) {
        if (closed) {
            throw new PredictionException("predictor of TensorFlow model '" + model.spec().name() + "' is closed");
        }
        checkBatch(inputs, rows, outputs);
        if (rows == batchCapacity && model instanceof TfModel graphModel) {
            if (fullBatchInputs == null) {
                fullBatchInputs = graphModel.inputTensors(batchCapacity);
            }
            graphModel.run(inputs, rows, outputs, fullBatchInputs);
        } else {
            model.run(inputs, rows, outputs);
        }
    }

    private void checkBatch(float[][] inputs, int rows, float[][] outputs) {
        if (rows < 1 || rows > batchCapacity) {
            throw new PredictionException("asked to score " + rows + " rows but this predictor takes 1.."
                    + batchCapacity + " rows per batch; split the batch or create a predictor with a larger capacity");
        }
        checkBuffers("input", inputs, signature.inputCount(), rows, true);
        checkBuffers("output", outputs, signature.outputCount(), rows, false);
    }

    private void checkBuffers(String kind, float[][] buffers, int expected, int rows, boolean input) {
        if (buffers.length != expected) {
            throw new PredictionException("model '" + model.spec().name() + "' has " + expected + " " + kind
                    + "s but " + buffers.length + " " + kind + " buffers were given");
        }
        for (int i = 0; i < expected; i++) {
            int size = input ? signature.inputSize(i) : signature.outputSize(i);
            long needed = (long) rows * size;
            if (buffers[i] == null || buffers[i].length < needed) {
                String name = input ? signature.inputNames().get(i) : signature.outputNames().get(i);
                throw new PredictionException(kind + " buffer " + i + " ('" + name + "') holds "
                        + (buffers[i] == null ? "nothing" : buffers[i].length + " floats") + " but " + rows
                        + " rows of " + size + " values need " + needed);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (fullBatchInputs != null) {
            for (TFloat32 t : fullBatchInputs) {
                t.close();
            }
            fullBatchInputs = null;
        }
    }
}
