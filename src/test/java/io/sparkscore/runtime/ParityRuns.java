package io.sparkscore.runtime;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Runs models on a prediction path the way the job does (flat row-major buffers, predictors of a fixed capacity fed
 * batches of any size up to it) and compares the results, for the cross-path and against-Keras parity tests.
 */
final class ParityRuns {

    /** A row-major batch: one flat array per model input or output. */
    record Batch(int rows, float[][] arrays) {
    }

    private ParityRuns() {
    }

    /**
     * Predicts {@code rows} rows through a predictor of capacity {@code batchRows}, batch after batch (the last one
     * shorter). Capacity-sized buffers are reused across batches and their unused tail is filled with NaN, so a path
     * that reads past the rows it was given, or keeps state between batches, shows up as a difference.
     */
    static float[][] predict(LoadedModel model, Batch inputs, int batchRows) {
        ModelSignature sig = model.signature();
        int rows = inputs.rows();
        float[][] out = new float[sig.outputCount()][];
        for (int j = 0; j < out.length; j++) {
            out[j] = new float[rows * sig.outputSize(j)];
        }
        int capacity = Math.min(batchRows, rows);
        float[][] inBuf = new float[sig.inputCount()][];
        for (int i = 0; i < inBuf.length; i++) {
            inBuf[i] = new float[capacity * sig.inputSize(i)];
        }
        float[][] outBuf = new float[sig.outputCount()][];
        for (int j = 0; j < outBuf.length; j++) {
            outBuf[j] = new float[capacity * sig.outputSize(j)];
        }
        try (Predictor p = model.newPredictor(capacity)) {
            for (int start = 0; start < rows; start += capacity) {
                int n = Math.min(capacity, rows - start);
                for (int i = 0; i < inBuf.length; i++) {
                    int size = sig.inputSize(i);
                    Arrays.fill(inBuf[i], Float.NaN);
                    System.arraycopy(inputs.arrays()[i], start * size, inBuf[i], 0, n * size);
                }
                p.predict(inBuf, n, outBuf);
                for (int j = 0; j < outBuf.length; j++) {
                    int size = sig.outputSize(j);
                    System.arraycopy(outBuf[j], 0, out[j], start * size, n * size);
                }
            }
        }
        return out;
    }

    /**
     * Seeded random rows for every model input: uniform in [-1, 1), except inputs read by an Embedding layer, which
     * get valid integer indices below its {@code input_dim} (zero included, so {@code mask_zero} is exercised).
     */
    static Batch randomInputs(ModelSpec spec, ModelSignature sig, int rows, long seed) {
        Random random = new Random(seed);
        float[][] arrays = new float[sig.inputCount()][];
        for (int i = 0; i < arrays.length; i++) {
            float[] a = new float[rows * sig.inputSize(i)];
            int vocabulary = embeddingVocabulary(spec, spec.inputs().get(i));
            for (int k = 0; k < a.length; k++) {
                a[k] = vocabulary > 0 ? random.nextInt(vocabulary) : (float) (random.nextDouble() * 2 - 1);
            }
            arrays[i] = a;
        }
        return new Batch(rows, arrays);
    }

    /** The smallest {@code input_dim} of the Embedding layers reading this input directly, or 0 when none does. */
    private static int embeddingVocabulary(ModelSpec spec, InputSpec input) {
        int vocabulary = 0;
        for (NodeSpec n : spec.nodes()) {
            if (!n.inputs().contains(input.name())) {
                continue;
            }
            LayerSpec l = spec.layer(n.layerName());
            LayerSpec inner = l.className().equals("TimeDistributed") ? l.child(0) : l;
            if (inner.className().equals("Embedding")) {
                int dim = inner.config().requireInt("input_dim");
                vocabulary = vocabulary == 0 ? dim : Math.min(vocabulary, dim);
            }
        }
        return vocabulary;
    }

    /** Copies the first {@code rows} rows of each array. */
    static Batch firstRows(Batch batch, ModelSignature sig, int rows, boolean inputs) {
        float[][] arrays = new float[batch.arrays().length][];
        for (int i = 0; i < arrays.length; i++) {
            int size = inputs ? sig.inputSize(i) : sig.outputSize(i);
            arrays[i] = Arrays.copyOf(batch.arrays()[i], rows * size);
        }
        return new Batch(rows, arrays);
    }

    /** The largest |actual - expected| over all outputs; NaN anywhere counts as infinitely far. */
    static double maxAbsError(float[][] actual, float[][] expected) {
        double max = 0;
        for (int j = 0; j < expected.length; j++) {
            for (int k = 0; k < expected[j].length; k++) {
                double d = Math.abs((double) actual[j][k] - expected[j][k]);
                max = Math.max(max, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
            }
        }
        return max;
    }

    /**
     * The largest |actual - reference| / max(1, |reference|): the relative agreement the paths promise each other.
     */
    static double maxRelativeError(float[][] actual, float[][] reference) {
        double max = 0;
        for (int j = 0; j < reference.length; j++) {
            for (int k = 0; k < reference[j].length; k++) {
                double d = Math.abs((double) actual[j][k] - reference[j][k])
                        / Math.max(1, Math.abs((double) reference[j][k]));
                max = Math.max(max, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
            }
        }
        return max;
    }

    /** Where two outputs differ most, for failure messages: output, flat index, both values. */
    static String worstDifference(float[][] actual, float[][] reference, List<String> outputNames) {
        int worstJ = -1;
        int worstK = -1;
        double worst = -1;
        for (int j = 0; j < reference.length; j++) {
            for (int k = 0; k < reference[j].length; k++) {
                double d = Math.abs((double) actual[j][k] - reference[j][k])
                        / Math.max(1, Math.abs((double) reference[j][k]));
                if (Double.isNaN(d)) {
                    d = Double.POSITIVE_INFINITY;
                }
                if (d > worst) {
                    worst = d;
                    worstJ = j;
                    worstK = k;
                }
            }
        }
        if (worstJ < 0) {
            return "no values";
        }
        return "output '" + outputNames.get(worstJ) + "' value " + worstK + ": " + actual[worstJ][worstK]
                + " vs reference " + reference[worstJ][worstK];
    }
}
