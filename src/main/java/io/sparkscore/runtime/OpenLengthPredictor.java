package io.sparkscore.runtime;

import io.sparkscore.runtime.OpenLengthModel.Lengths;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a batch of rows of varying sequence length through an {@link OpenLengthModel}: the rows are grouped by
 * their lengths and each group is one call of the fixed-length model's predictor, with the group's rows laid out
 * {@code [n, T, F]}. Rows of one length are thus computed exactly as Keras computes each of them alone. A batch
 * whose rows all have one length is fed as it is, without copies.
 *
 * <p>Keeps the predictors of the last {@link #PREDICTORS_KEPT} lengths it met (each one's buffers sized for the
 * largest group seen, up to the batch capacity). Not thread-safe: one per task.
 */
final class OpenLengthPredictor implements Predictor {

    static final int PREDICTORS_KEPT = 4;

    private final OpenLengthModel model;
    private final ModelSignature signature;
    private final int capacity;
    private final int[] stepSizes;
    private final int[] outputSizes;
    private final LinkedHashMap<Lengths, Predictor> predictors = new LinkedHashMap<>(8, 0.75f, true);
    private final float[][] groupInputs;
    private final float[][] groupOutputs;
    private boolean closed;

    OpenLengthPredictor(OpenLengthModel model, int capacity) {
        this.model = model;
        this.signature = model.signature();
        this.capacity = capacity;
        this.stepSizes = new int[signature.inputCount()];
        for (int i = 0; i < stepSizes.length; i++) {
            stepSizes[i] = signature.stepSize(i);
        }
        this.outputSizes = new int[signature.outputCount()];
        for (int j = 0; j < outputSizes.length; j++) {
            outputSizes[j] = signature.outputSize(j);
        }
        this.groupInputs = new float[stepSizes.length][0];
        this.groupOutputs = new float[outputSizes.length][0];
    }

    @Override
    public int batchCapacity() {
        return capacity;
    }

    @Override
    public void predict(float[][] inputs, int rows, float[][] outputs) {
        throw new PredictionException("model '" + model.spec().name() + "' has an input with an open dimension;"
                + " give each row's position in the input buffers (rowStarts)");
    }

    @Override
    public void predict(float[][] inputs, int[][] rowStarts, int rows, float[][] outputs) {
        if (closed) {
            throw new PredictionException("predictor of model '" + model.spec().name() + "' is closed");
        }
        if (rows < 1 || rows > capacity) {
            throw new PredictionException("rows = " + rows + " but this predictor holds 1 to " + capacity
                    + " rows per batch; create a predictor with a larger batchCapacity");
        }
        Map<Lengths, List<Integer>> groups = group(rowStarts, rows);
        if (groups.size() == 1) {
            // rows of one length lie as [rows, T, F] already
            Lengths only = groups.keySet().iterator().next();
            predictorFor(only, rows).predict(inputs, rows, outputs);
            return;
        }
        for (Map.Entry<Lengths, List<Integer>> g : groups.entrySet()) {
            predictGroup(g.getKey(), g.getValue(), inputs, rowStarts, outputs);
        }
    }

    /** Row indexes by their lengths, in order of first appearance. */
    private Map<Lengths, List<Integer>> group(int[][] rowStarts, int rows) {
        Map<Lengths, List<Integer>> groups = new LinkedHashMap<>();
        for (int r = 0; r < rows; r++) {
            int[] lengths = new int[stepSizes.length];
            for (int i = 0; i < lengths.length; i++) {
                if (signature.isOpen(i)) {
                    int floats = rowStarts[i][r + 1] - rowStarts[i][r];
                    if (floats <= 0 || floats % stepSizes[i] != 0) {
                        throw new PredictionException("row " + r + " of input '" + signature.inputNames().get(i)
                                + "' holds " + floats + " values, not a positive multiple of " + stepSizes[i]);
                    }
                    lengths[i] = floats / stepSizes[i];
                }
            }
            groups.computeIfAbsent(new Lengths(lengths), k -> new ArrayList<>()).add(r);
        }
        return groups;
    }

    private void predictGroup(Lengths lengths, List<Integer> rows, float[][] inputs, int[][] rowStarts,
                              float[][] outputs) {
        int n = rows.size();
        for (int i = 0; i < inputs.length; i++) {
            int size = signature.isOpen(i) ? lengths.values()[i] * stepSizes[i] : stepSizes[i];
            groupInputs[i] = atLeast(groupInputs[i], n * size);
            for (int g = 0; g < n; g++) {
                int r = rows.get(g);
                int from = signature.isOpen(i) ? rowStarts[i][r] : r * size;
                System.arraycopy(inputs[i], from, groupInputs[i], g * size, size);
            }
        }
        for (int j = 0; j < outputs.length; j++) {
            groupOutputs[j] = atLeast(groupOutputs[j], n * outputSizes[j]);
        }
        predictorFor(lengths, n).predict(groupInputs, n, groupOutputs);
        for (int j = 0; j < outputs.length; j++) {
            int size = outputSizes[j];
            for (int g = 0; g < n; g++) {
                System.arraycopy(groupOutputs[j], g * size, outputs[j], rows.get(g) * size, size);
            }
        }
    }

    private static float[] atLeast(float[] buffer, int n) {
        return buffer.length >= n ? buffer : new float[Math.max(n, buffer.length * 2)];
    }

    /** The fixed-length predictor for these lengths, holding at least {@code rows} rows. */
    private Predictor predictorFor(Lengths lengths, int rows) {
        Predictor p = predictors.get(lengths);
        if (p != null && p.batchCapacity() >= rows) {
            return p;
        }
        if (p != null) {
            predictors.remove(lengths);
            p.close();
            model.release(lengths);
        }
        // buffers grow with the groups met, so a length seen in a few rows does not take a whole batch's memory
        int size = Math.min(capacity, Integer.highestOneBit(Math.max(1, rows - 1)) << 1);
        LoadedModel fixed = model.acquire(lengths);
        try {
            p = fixed.newPredictor(Math.max(rows, size));
        } catch (RuntimeException e) {
            model.release(lengths);
            throw e;
        }
        predictors.put(lengths, p);
        Iterator<Map.Entry<Lengths, Predictor>> it = predictors.entrySet().iterator();
        while (predictors.size() > PREDICTORS_KEPT) {
            Map.Entry<Lengths, Predictor> eldest = it.next();
            it.remove();
            eldest.getValue().close();
            model.release(eldest.getKey());
        }
        return p;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Map.Entry<Lengths, Predictor> e : predictors.entrySet()) {
            e.getValue().close();
            model.release(e.getKey());
        }
        predictors.clear();
        Arrays.fill(groupInputs, null);
    }
}
