package io.sparkscore.runtime.jvm;

import io.sparkscore.runtime.ModelSignature;
import io.sparkscore.runtime.PredictionException;
import io.sparkscore.runtime.Predictor;

/**
 * Runs batches through a {@link JvmModel} with buffers allocated once, at construction, for
 * {@link #batchCapacity()} rows: the node output buffers of the model's {@link BufferPlan} (reused once a node's
 * readers have run) and one shared scratch array. {@link #predict} allocates nothing, so a task can score millions
 * of rows without garbage.
 *
 * <p>Not thread-safe: one predictor per task. {@link #close()} drops the buffers and is idempotent.
 */
public final class JvmPredictor implements Predictor {

    private final JvmModel model;
    private final ModelSignature signature;
    private final int capacity;
    private final JvmLayer[] layers;
    private final int[][] sources;
    private final int[] outputSources;
    private final int[] inputSizes;
    private final int[] outputSizes;
    private float[][] buffers;
    private float[][][] nodeInputs;
    private float[] scratch;

    JvmPredictor(JvmModel model, int capacity) {
        this.model = model;
        this.signature = model.signature();
        this.capacity = capacity;
        this.layers = model.nodeLayers();
        this.sources = model.nodeSources();
        this.outputSources = model.outputSources();
        this.inputSizes = new int[signature.inputCount()];
        for (int i = 0; i < inputSizes.length; i++) {
            inputSizes[i] = signature.inputSize(i);
        }
        this.outputSizes = new int[signature.outputCount()];
        for (int j = 0; j < outputSizes.length; j++) {
            outputSizes[j] = signature.outputSize(j);
        }
        int n = layers.length;
        BufferPlan plan = model.bufferPlan();
        float[][] slots = new float[plan.slotRowSizes().length][];
        for (int s = 0; s < slots.length; s++) {
            slots[s] = new float[Math.multiplyExact(capacity, plan.slotRowSizes()[s])];
        }
        buffers = new float[n][];
        for (int i = 0; i < n; i++) {
            buffers[i] = slots[plan.slotOfNode()[i]];
        }
        nodeInputs = new float[n][][];
        int scratchSize = 0;
        for (int i = 0; i < n; i++) {
            nodeInputs[i] = new float[sources[i].length][];
            for (int k = 0; k < sources[i].length; k++) {
                if (sources[i][k] >= 0) {
                    nodeInputs[i][k] = buffers[sources[i][k]];
                }
            }
            scratchSize = Math.max(scratchSize, layers[i].scratchSize(capacity));
        }
        scratch = new float[scratchSize];
    }

    @Override
    public int batchCapacity() {
        return capacity;
    }

    @Override
    public void predict(float[][] inputs, int rows, float[][] outputs) {
        checkCall(inputs, rows, outputs);
        for (int i = 0; i < layers.length; i++) {
            float[][] in = nodeInputs[i];
            int[] from = sources[i];
            for (int k = 0; k < from.length; k++) {
                if (from[k] < 0) {
                    in[k] = inputs[-from[k] - 1];
                }
            }
            try {
                layers[i].forward(in, rows, buffers[i], scratch, 0);
            } catch (PredictionException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new PredictionException("jvm forward pass failed in node '" + model.nodeId(i) + "' of model '"
                        + model.spec().name() + "': " + e, e);
            }
        }
        for (int j = 0; j < outputSources.length; j++) {
            int from = outputSources[j];
            float[] src = from >= 0 ? buffers[from] : inputs[-from - 1];
            System.arraycopy(src, 0, outputs[j], 0, rows * outputSizes[j]);
        }
    }

    private void checkCall(float[][] inputs, int rows, float[][] outputs) {
        if (buffers == null) {
            throw new PredictionException("this JvmPredictor for model '" + model.spec().name() + "' is closed");
        }
        if (rows < 1 || rows > capacity) {
            throw new PredictionException("rows = " + rows + " but this predictor holds 1 to " + capacity
                    + " rows per batch; create a predictor with a larger batchCapacity");
        }
        if (inputs.length != inputSizes.length || outputs.length != outputSizes.length) {
            throw new PredictionException("model '" + model.spec().name() + "' takes " + inputSizes.length
                    + " input buffers and fills " + outputSizes.length + " output buffers, but got "
                    + inputs.length + " and " + outputs.length);
        }
        for (int i = 0; i < inputSizes.length; i++) {
            if (inputs[i].length < rows * inputSizes[i]) {
                throw new PredictionException("input '" + signature.inputNames().get(i) + "' buffer holds "
                        + inputs[i].length + " floats but " + rows + " rows need " + rows * inputSizes[i]);
            }
        }
        for (int j = 0; j < outputSizes.length; j++) {
            if (outputs[j].length < rows * outputSizes[j]) {
                throw new PredictionException("output '" + signature.outputNames().get(j) + "' buffer holds "
                        + outputs[j].length + " floats but " + rows + " rows need " + rows * outputSizes[j]);
            }
        }
    }

    @Override
    public void close() {
        buffers = null;
        nodeInputs = null;
        scratch = null;
    }
}
