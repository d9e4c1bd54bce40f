package io.sparkscore.calibration;

import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.PredictionPath;

/**
 * Hands calibration a loaded model for a path and thread count. On executors this is the per-JVM model cache, so the
 * models calibration builds are the ones scoring then reuses. Calibration does not close what it is given.
 */
@FunctionalInterface
public interface ModelProvider {

    LoadedModel get(PredictionPath path, int intraOpThreads);
}
