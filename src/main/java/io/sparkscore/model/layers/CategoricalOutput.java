package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Shapes;
import io.sparkscore.model.categorical.CategoricalOutputMode;
import io.sparkscore.model.categorical.HashingEncoder;
import io.sparkscore.model.categorical.Vocabulary;

import java.util.Arrays;
import java.util.List;

/**
 * The options of the categorical preprocessing layers (StringLookup, IntegerLookup, Hashing, Discretization,
 * CategoryEncoding) that the prediction paths run: how a value becomes an index ({@code binBoundaries} for
 * Discretization; the others receive indices: the lookups' ones computed on the rows, see
 * {@code model.categorical.InputEncodings}, CategoryEncoding's given by its input), then the output encoding of Keras'
 * {@code encode_categorical_inputs} with {@code depth} indices. An index outside [0, depth) (a dropped mask token)
 * contributes nothing.
 *
 * @param binBoundaries Discretization's sorted boundaries (index = how many are &lt;= the value); null otherwise
 * @param idfWeights    tf_idf's weight per index; null otherwise
 */
public record CategoricalOutput(CategoricalOutputMode mode, int depth, float[] binBoundaries, float[] idfWeights)
        implements LayerOptions {

    /** The classes these options belong to. */
    public static final List<String> CLASSES = List.of("StringLookup", "IntegerLookup", "Hashing", "Discretization",
            "CategoryEncoding");

    public static CategoricalOutput of(LayerSpec layer, int kerasMajor) {
        return of(layer);
    }

    public static CategoricalOutput of(LayerSpec layer) {
        // sparse=True is not read: a SparseTensor holds the same values as the dense result computed here
        LayerConfig c = layer.config();
        return switch (layer.className()) {
            case "StringLookup", "IntegerLookup" -> lookup(layer);
            case "Hashing" -> new CategoricalOutput(CategoricalOutputMode.of(c, "int"), HashingEncoder.numBins(c),
                    null, null);
            case "Discretization" -> discretization(c);
            case "CategoryEncoding" -> categoryEncoding(c);
            default -> throw new IllegalArgumentException(layer.className() + " is not categorical");
        };
    }

    private static CategoricalOutput lookup(LayerSpec layer) {
        LayerConfig c = layer.config();
        CategoricalOutputMode mode = CategoricalOutputMode.of(c, "int");
        Vocabulary v = Vocabulary.of(layer);
        int depth = v.size();
        if (mode != CategoricalOutputMode.INT && c.getBoolean("pad_to_max_tokens", false)) {
            int max = c.requireInt("max_tokens");
            if (max < depth || max > Vocabulary.MAX_INDICES) {
                throw c.unsupported("pad_to_max_tokens with max_tokens=" + max + " does not hold its " + depth
                        + " indices (or exceeds " + Vocabulary.MAX_INDICES + ")");
            }
            depth = max;
        }
        float[] idf = mode == CategoricalOutputMode.TF_IDF ? idfWeights(layer, v, depth) : null;
        return new CategoricalOutput(mode, depth, null, idf);
    }

    /**
     * The stored {@code idf_weights} variable when the file has it (Keras saves the padded weights); otherwise the
     * config's, padded as Keras pads them: at the front with their mean for the special indices when the vocabulary
     * came without them, at the back with zeros up to {@code max_tokens}.
     */
    private static float[] idfWeights(LayerSpec layer, Vocabulary v, int depth) {
        LayerConfig c = layer.config();
        float[] w;
        if (layer.hasWeight("idf_weights")) {
            w = layer.weight("idf_weights").data();
        } else {
            List<Object> given = c.getList("idf_weights");
            if (given.isEmpty()) {
                throw c.unsupported("output_mode='tf_idf' needs idf_weights, but neither the config nor the weights"
                        + " hold them");
            }
            int front = v.specialsGiven() ? 0 : v.tokenStart();
            w = new float[front + given.size()];
            double sum = 0;
            for (int i = 0; i < given.size(); i++) {
                if (!(given.get(i) instanceof Number n)) {
                    throw c.unsupported("idf_weights holds " + given.get(i) + ", not a number");
                }
                w[front + i] = n.floatValue();
                sum += n.floatValue();
            }
            Arrays.fill(w, 0, front, (float) (sum / given.size()));
            w = Arrays.copyOf(w, Math.max(w.length, depth));
        }
        if (w.length != depth) {
            throw c.unsupported("has " + w.length + " idf_weights for " + depth + " indices");
        }
        return w;
    }

    private static CategoricalOutput discretization(LayerConfig c) {
        List<Object> b = c.getList("bin_boundaries");
        if (b.isEmpty() && c.raw("bin_boundaries") == null) {
            throw c.unsupported("has no bin_boundaries; give them or adapt() the layer before saving");
        }
        float[] boundaries = new float[b.size()];
        for (int i = 0; i < boundaries.length; i++) {
            if (!(b.get(i) instanceof Number n)) {
                throw c.unsupported("bin_boundaries holds " + b.get(i) + ", not a number");
            }
            // TensorFlow's Bucketize and Keras compare float32 values with float32 boundaries
            boundaries[i] = n.floatValue();
            if (i > 0 && !(boundaries[i] >= boundaries[i - 1])) {
                throw c.unsupported("bin_boundaries are not sorted: " + b);
            }
        }
        if (boundaries.length >= Vocabulary.MAX_INDICES) {
            throw c.unsupported("has " + boundaries.length + " bin_boundaries; at most "
                    + (Vocabulary.MAX_INDICES - 1));
        }
        return new CategoricalOutput(CategoricalOutputMode.of(c, "int"), boundaries.length + 1, boundaries, null);
    }

    private static CategoricalOutput categoryEncoding(LayerConfig c) {
        int n = c.has("num_tokens") ? c.requireInt("num_tokens") : c.requireInt("max_tokens");
        if (n < 1 || n > Vocabulary.MAX_INDICES) {
            throw c.unsupported("num_tokens=" + n + " is outside 1.." + Vocabulary.MAX_INDICES);
        }
        CategoricalOutputMode mode = CategoricalOutputMode.of(c, "multi_hot");
        if (mode == CategoricalOutputMode.INT || mode == CategoricalOutputMode.TF_IDF) {
            throw c.unsupported("output_mode " + mode + " is not one of CategoryEncoding's (one_hot, multi_hot,"
                    + " count)");
        }
        return new CategoricalOutput(mode, n, null, null);
    }

    /**
     * The index of one value: Discretization's bucket (NaN goes last, as TensorFlow's Bucketize puts it), else the
     * value truncated toward zero, as a cast to an integer does.
     */
    public int index(float x) {
        if (binBoundaries == null) {
            return (int) x;
        }
        int lo = 0;
        int hi = binBoundaries.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (x < binBoundaries[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /**
     * How many values make one sample that {@code multi_hot}/{@code count}/{@code tf_idf} encode together: the last
     * axis (1 for a per-row scalar); 1 for {@code int} and {@code one_hot}.
     */
    public int sampleLength(int[] in) {
        boolean perSample = mode != CategoricalOutputMode.INT && mode != CategoricalOutputMode.ONE_HOT;
        return perSample && in.length > 0 ? in[in.length - 1] : 1;
    }

    /** Keras' output shape: int keeps it; one_hot replaces a last axis of 1 or appends depth; others replace it. */
    public int[] outputShape(int[] in) {
        switch (mode) {
            case INT:
                return in.clone();
            case ONE_HOT: {
                boolean replace = in.length > 0 && in[in.length - 1] == 1;
                int[] r = Arrays.copyOf(in, replace ? in.length : in.length + 1);
                r[r.length - 1] = depth;
                return r;
            }
            default: {
                int[] r = in.length == 0 ? new int[1] : in.clone();
                r[r.length - 1] = depth;
                return r;
            }
        }
    }

    static int[] outputShape(LayerSpec layer, List<int[]> inputs) {
        CategoricalOutput o = of(layer);
        int[] in = inputs.get(0);
        if ((o.mode == CategoricalOutputMode.COUNT || o.mode == CategoricalOutputMode.TF_IDF) && in.length > 1) {
            throw layer.config().unsupported("output_mode " + o.mode.name().toLowerCase(java.util.Locale.ROOT)
                    + " takes inputs of rank 2 at most (batch, values) but got " + Shapes.format(in));
        }
        return o.outputShape(in);
    }

    /** tf_idf reads its weights from the file when they are stored there. */
    static List<String> weightNames(java.util.Map<String, Object> config) {
        Object mode = config.get("output_mode");
        return "tf_idf".equals(mode) || "tf-idf".equals(mode) ? List.of("idf_weights") : List.of();
    }
}
