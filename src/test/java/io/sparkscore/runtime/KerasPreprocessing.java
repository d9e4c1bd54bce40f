package io.sparkscore.runtime;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' categorical preprocessing layers with the configs Keras 3 writes for them (the keys of
 * {@code IndexLookup.get_config}, {@code Hashing.get_config}, {@code Discretization.get_config} and
 * {@code CategoryEncoding.get_config}), named by the caller so several can share a model.
 */
public final class KerasPreprocessing {

    private KerasPreprocessing() {
    }

    /** A StringLookup given its vocabulary (no special tokens), with the given OOV count, mask and output mode. */
    public static LayerSpec stringLookup(String name, List<String> vocabulary, int numOov, String mask,
                                         String outputMode) {
        return lookup(name, "StringLookup", new ArrayList<>(vocabulary), numOov, mask, "[UNK]", outputMode, "string",
                null);
    }

    public static LayerSpec integerLookup(String name, List<Long> vocabulary, int numOov, Long mask,
                                          String outputMode) {
        // JSON gives small integers back as Integer, as Python's json writes them without a type
        List<Object> tokens = new ArrayList<>();
        vocabulary.forEach(v -> tokens.add(Math.toIntExact(v)));
        return lookup(name, "IntegerLookup", tokens, numOov, mask == null ? null : Math.toIntExact(mask), -1,
                outputMode, "int64", null);
    }

    /**
     * A tf_idf StringLookup with the idf weights given in its config (one per vocabulary token) and, as Keras 3's
     * {@code save_own_variables} stores it, the {@code idf_weights} variable padded for the OOV index with their mean.
     */
    public static LayerSpec stringLookupTfIdf(String name, List<String> vocabulary, List<Double> idf) {
        LayerSpec l = lookup(name, "StringLookup", new ArrayList<>(vocabulary), 1, null, "[UNK]", "tf_idf", "string",
                idf);
        float[] padded = new float[idf.size() + 1];
        double sum = 0;
        for (int i = 0; i < idf.size(); i++) {
            padded[i + 1] = idf.get(i).floatValue();
            sum += idf.get(i).floatValue();
        }
        padded[0] = (float) (sum / idf.size());
        return new LayerSpec(name, l.className(), l.config(), Map.of("idf_weights", new Tensor("idf_weights",
                new int[] {padded.length}, padded)));
    }

    private static LayerSpec lookup(String name, String cls, List<Object> vocabulary, int numOov, Object mask,
                                    Object oov, String outputMode, String vocabularyDtype, List<Double> idf) {
        Map<String, Object> c = base(name);
        c.put("invert", false);
        c.put("max_tokens", null);
        c.put("num_oov_indices", numOov);
        c.put("oov_token", oov);
        c.put("mask_token", mask);
        c.put("output_mode", outputMode);
        c.put("sparse", false);
        c.put("pad_to_max_tokens", false);
        c.put("vocabulary_dtype", vocabularyDtype);
        c.put("idf_weights", idf);
        c.put("vocabulary", vocabulary);
        int specials = (mask != null && outputMode.equals("int") ? 1 : 0) + numOov;
        c.put("vocabulary_size", specials + vocabulary.size());
        if (cls.equals("StringLookup")) {
            c.put("encoding", "utf-8");
        }
        return new LayerSpec(name, cls, new LayerConfig(name, cls, c), Map.of());
    }

    /** A Hashing layer; {@code salt} null (FarmHash), one integer or two. */
    public static LayerSpec hashing(String name, int numBins, Object maskValue, Object salt, String outputMode) {
        Map<String, Object> c = base(name);
        c.put("num_bins", numBins);
        c.put("salt", salt instanceof Number n ? List.of(n, n) : salt);
        c.put("mask_value", maskValue);
        c.put("output_mode", outputMode);
        c.put("sparse", false);
        return new LayerSpec(name, "Hashing", new LayerConfig(name, "Hashing", c), Map.of());
    }

    public static LayerSpec hashedCrossing(String name, int numBins, String outputMode) {
        Map<String, Object> c = base(name);
        c.put("num_bins", numBins);
        c.put("output_mode", outputMode);
        c.put("sparse", false);
        return new LayerSpec(name, "HashedCrossing", new LayerConfig(name, "HashedCrossing", c), Map.of());
    }

    public static LayerSpec discretization(String name, List<Double> boundaries, String outputMode) {
        Map<String, Object> c = base(name);
        c.put("bin_boundaries", boundaries);
        c.put("num_bins", null);
        c.put("epsilon", 0.01);
        c.put("output_mode", outputMode);
        c.put("sparse", false);
        return new LayerSpec(name, "Discretization", new LayerConfig(name, "Discretization", c), Map.of());
    }

    public static LayerSpec categoryEncoding(String name, int numTokens, String outputMode) {
        Map<String, Object> c = base(name);
        c.put("num_tokens", numTokens);
        c.put("output_mode", outputMode);
        c.put("sparse", false);
        return new LayerSpec(name, "CategoryEncoding", new LayerConfig(name, "CategoryEncoding", c), Map.of());
    }

    /** An adapted Normalization over the last axis with the given statistics, as Keras 3 stores them. */
    public static LayerSpec normalization(String name, float[] mean, float[] variance) {
        Map<String, Object> c = base(name);
        c.put("axis", List.of(-1));
        c.put("invert", false);
        c.put("mean", null);
        c.put("variance", null);
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("mean", new Tensor("mean", new int[] {mean.length}, mean));
        w.put("variance", new Tensor("variance", new int[] {variance.length}, variance));
        w.put("count", new Tensor("count", new int[0], new float[] {100}));
        return new LayerSpec(name, "Normalization", new LayerConfig(name, "Normalization", c), w);
    }

    private static Map<String, Object> base(String name) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("trainable", true);
        c.put("dtype", "float32");
        return c;
    }
}
