package io.sparkscore.runtime;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.ShapeInference;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How far two correct float32 implementations of a model may differ on given rows, per output value. Paths that sum
 * in different orders or fuse differently each round at every step, and what a rounding step costs at the output
 * depends on the computation: large magnitudes and cancellation (a LayerNormalization of inputs near 50 subtracts
 * numbers equal in their first digits) amplify it, long reductions and a deep graph add more roundings.
 *
 * <p>The amplification is measured, not guessed: the reference model is run again on its inputs moved by
 * {@value #PERTURBATION_ULPS} float32 ulps each (random sign, {@value #TRIALS} draws), which propagates a
 * rounding-sized change through exactly this computation at these magnitudes. Roundings inside the layers add up
 * like a random walk over the graph's depth and over the longest reduction (the widest last axis a layer reads), so
 * <pre>  allowed = relative * max(1, |reference|) + sqrt(depth * reduction) * max |reference(x) - reference(x')|</pre>
 * A real disagreement (a misread option, a wrong formula) moves outputs by far more than rounding does, so it is still
 * caught. Integral input values (category indices) are left unperturbed, since an index moved is a different row.
 * Immutable once measured.
 */
public final class ParityTolerance {

    static final int PERTURBATION_ULPS = 4;
    static final int TRIALS = 2;
    private static final double FLOAT32_EPSILON = Math.ulp(1.0f);

    private final double relative;
    private final double growth;
    private final float[][] rounding;

    private ParityTolerance(double relative, double growth, float[][] rounding) {
        this.relative = relative;
        this.growth = growth;
        this.rounding = rounding;
    }

    /**
     * Measures the allowance on {@code rows} rows of {@code inputs} (the model's input buffers), whose outputs on the
     * reference model are {@code reference}.
     */
    public static ParityTolerance measure(LoadedModel model, float[][] inputs, int rows, float[][] reference,
                                          double relative) {
        return measure(model, inputs, null, rows, reference, relative);
    }

    /** As above for rows whose open (sequence) inputs start where {@code rowStarts} says ({@link Predictor}). */
    public static ParityTolerance measure(LoadedModel model, float[][] inputs, int[][] rowStarts, int rows,
                                          float[][] reference, double relative) {
        ModelSignature sig = model.signature();
        float[][] change = new float[reference.length][];
        for (int j = 0; j < change.length; j++) {
            change[j] = new float[reference[j].length];
        }
        SplittableRandom random = new SplittableRandom(0x5eed);
        try (Predictor predictor = model.newPredictor(rows)) {
            for (int trial = 0; trial < TRIALS; trial++) {
                float[][] moved = new float[inputs.length][];
                for (int i = 0; i < inputs.length; i++) {
                    boolean open = rowStarts != null && rowStarts[i] != null;
                    moved[i] = perturbed(inputs[i], open ? rowStarts[i][rows] : rows * sig.inputSize(i), random);
                }
                float[][] out = new float[reference.length][];
                for (int j = 0; j < out.length; j++) {
                    out[j] = new float[rows * sig.outputSize(j)];
                }
                predictor.predict(moved, rowStarts, rows, out);
                for (int j = 0; j < out.length; j++) {
                    for (int k = 0; k < change[j].length && k < out[j].length; k++) {
                        float d = Math.abs(out[j][k] - reference[j][k]);
                        if (d > change[j][k]) {
                            change[j][k] = d;
                        }
                    }
                }
            }
        }
        return new ParityTolerance(relative, Math.sqrt((double) depth(model.spec()) * reduction(model.spec())),
                change);
    }

    private static float[] perturbed(float[] values, int n, SplittableRandom random) {
        float[] r = new float[n];
        for (int k = 0; k < n; k++) {
            float v = values[k];
            boolean integral = v == Math.rint(v);
            double step = PERTURBATION_ULPS * FLOAT32_EPSILON * (random.nextBoolean() ? 1 : -1);
            r[k] = integral || !Float.isFinite(v) ? v : (float) (v * (1 + step));
        }
        return r;
    }

    /** The number of layer applications on the longest path from an input to an output. */
    static int depth(ModelSpec spec) {
        Map<String, Integer> depth = new HashMap<>();
        for (InputSpec in : spec.inputs()) {
            depth.put(in.name(), 0);
        }
        int max = 1;
        for (NodeSpec node : spec.nodes()) {
            int d = 1 + node.inputs().stream().mapToInt(t -> depth.getOrDefault(t, 0)).max().orElse(0);
            depth.put(node.id(), d);
            max = Math.max(max, d);
        }
        return max;
    }

    /** The widest last axis any layer reads: the length of the longest reduction a Dense, conv or norm layer does. */
    static int reduction(ModelSpec spec) {
        int widest = 1;
        for (int[] shape : ShapeInference.infer(spec).values()) {
            if (shape.length > 0) {
                widest = Math.max(widest, shape[shape.length - 1]);
            }
        }
        return widest;
    }

    /** The largest difference allowed between the reference's value {@code index} of an output and another path's. */
    public double allowed(int output, int index, float referenceValue) {
        return relative * Math.max(1.0, Math.abs(referenceValue)) + growth * rounding[output][index];
    }

    /** Whether another path's value agrees with the reference's within the allowance (both NaN agree). */
    public boolean agrees(int output, int index, float referenceValue, float otherValue) {
        if (Float.isNaN(referenceValue) && Float.isNaN(otherValue)) {
            return true;
        }
        return Math.abs(referenceValue - otherValue) <= allowed(output, index, referenceValue);
    }
}
