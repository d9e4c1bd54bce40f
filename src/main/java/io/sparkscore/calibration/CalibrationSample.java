package io.sparkscore.calibration;

import io.sparkscore.runtime.ModelSignature;

/**
 * Rows that are already model inputs ({@code inputs[i]} holds {@code rows} rows of model input {@code i},
 * row-major): a codec whose encoding is a plain copy and whose decoding is nothing. Serves benchmarks and tests; the
 * job uses a codec over real Spark rows.
 */
public final class CalibrationSample implements BatchCodec {

    private final ModelSignature signature;
    private final float[][] sample;
    private final int rows;
    private float[][] inputs;
    private float[][] outputs;

    public CalibrationSample(ModelSignature signature, float[][] sample, int rows) {
        if (rows < 1) {
            throw new CalibrationException("calibration needs at least one input row, but the sample is empty");
        }
        this.signature = signature;
        this.sample = sample;
        this.rows = rows;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public void reserve(int capacity) {
        inputs = new float[signature.inputCount()][];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = new float[capacity * signature.inputSize(i)];
        }
        outputs = new float[signature.outputCount()][];
        for (int j = 0; j < outputs.length; j++) {
            outputs[j] = new float[capacity * signature.outputSize(j)];
        }
    }

    @Override
    public float[][] inputs() {
        return inputs;
    }

    @Override
    public float[][] outputs() {
        return outputs;
    }

    @Override
    public void encode(int batchRows, int offset) {
        for (int i = 0; i < inputs.length; i++) {
            int width = signature.inputSize(i);
            int written = 0;
            int row = offset % rows;
            while (written < batchRows) {
                int n = Math.min(batchRows - written, rows - row);
                System.arraycopy(sample[i], row * width, inputs[i], written * width, n * width);
                written += n;
                row = 0;
            }
        }
    }

    @Override
    public void decode(int batchRows) {
        // already floats: nothing to convert
    }
}
