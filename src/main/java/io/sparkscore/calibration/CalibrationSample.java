package io.sparkscore.calibration;

import io.sparkscore.runtime.ModelSignature;

/**
 * Real input rows, already mapped to model inputs: {@code inputs[i]} holds {@code rows} rows of model input
 * {@code i}, row-major.
 */
public record CalibrationSample(float[][] inputs, int rows) {

    public CalibrationSample {
        if (rows < 1) {
            throw new CalibrationException("calibration needs at least one input row, but the sample is empty;"
                    + " check that the input has rows (and that --where / --sample leave some)");
        }
    }

    /** Fills {@code target} with {@code batchRows} rows, cycling through the sample from row {@code offset}. */
    void fill(ModelSignature signature, float[][] target, int batchRows, int offset) {
        for (int i = 0; i < inputs.length; i++) {
            int width = signature.inputSize(i);
            int written = 0;
            int row = offset % rows;
            while (written < batchRows) {
                int n = Math.min(batchRows - written, rows - row);
                System.arraycopy(inputs[i], row * width, target[i], written * width, n * width);
                written += n;
                row = 0;
            }
        }
    }
}
