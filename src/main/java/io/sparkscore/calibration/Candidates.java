package io.sparkscore.calibration;

import io.sparkscore.runtime.PredictionPath;

/** How reports name a candidate path and thread count. */
final class Candidates {

    private Candidates() {
    }

    /** {@code jvm}, or {@code tf (2 threads)}: only TensorFlow has an intra-op pool. */
    static String label(PredictionPath path, int threads) {
        return path == PredictionPath.TF ? path.id() + " (" + threads + (threads == 1 ? " thread)" : " threads)")
                : path.id();
    }
}
