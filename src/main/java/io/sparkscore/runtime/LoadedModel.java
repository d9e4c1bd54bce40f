package io.sparkscore.runtime;

import io.sparkscore.model.ModelSpec;

/**
 * An uncompiled model rebuilt from a {@link ModelSpec} for one prediction path: the heavy, shareable part (weights
 * laid out for the path, a TensorFlow graph and session). Built once per executor JVM and shared by all task threads,
 * so implementations are thread-safe; per-task scratch lives in the {@link Predictor}s it hands out.
 *
 * <p>Owns native resources on the {@code tf} path: close it when the model is evicted. {@code close()} is idempotent.
 */
public interface LoadedModel extends AutoCloseable {

    ModelSpec spec();

    PredictionPath path();

    ModelSignature signature();

    /** A predictor whose batches hold at most {@code batchCapacity} rows. */
    Predictor newPredictor(int batchCapacity);

    @Override
    void close();
}
