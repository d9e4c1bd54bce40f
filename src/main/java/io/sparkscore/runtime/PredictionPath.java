package io.sparkscore.runtime;

import java.util.Locale;

/** The two ways sparkscore can run a model's forward pass. */
public enum PredictionPath {
    /** A TensorFlow Java graph, one session call per batch: fast kernels, a fixed per-call cost, GPU-capable. */
    TF,
    /** A pure-Java forward pass over reused float arrays: near-zero per-call cost. */
    JVM;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PredictionPath parse(String id) {
        for (PredictionPath p : values()) {
            if (p.id().equalsIgnoreCase(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown prediction path '" + id + "'; expected tf or jvm");
    }
}
