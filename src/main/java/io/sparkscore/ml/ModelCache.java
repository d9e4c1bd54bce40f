package io.sparkscore.ml;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.PredictionPaths;
import io.sparkscore.runtime.RuntimeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The executor JVM's models: each (model hash, path, threads) is rebuilt from its spec once and then shared by every
 * task thread and partition of this JVM. This is what makes per-row, per-batch and per-partition model loading
 * impossible by construction.
 *
 * <p>Thread-safe. Models live until the JVM exits (a shutdown hook closes them), because executors are reused across
 * the stages of one application, and one application scores one model; only the candidates calibration built and
 * did not choose are released at once ({@link #release}), so that a losing TensorFlow graph does not stay for the
 * JVM's life.
 */
public final class ModelCache {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
    private static final Map<String, LoadedModel> MODELS = new ConcurrentHashMap<>();
    private static final AtomicLong BUILDS = new AtomicLong();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ModelCache::closeAll, "sparkscore-model-cache-close"));
    }

    private ModelCache() {
    }

    /**
     * The cached model, built on first use from {@code spec} (fetched only then: reading a broadcast value is not
     * free for large models).
     */
    public static LoadedModel get(String modelHash, Supplier<ModelSpec> spec, PredictionPath path,
                                  RuntimeOptions options) {
        return MODELS.computeIfAbsent(key(modelHash, path, options), k -> build(spec.get(), path, options));
    }

    /** Whether this JVM already holds the model, so that {@link #get} costs nothing. */
    public static boolean holds(String modelHash, PredictionPath path, RuntimeOptions options) {
        return MODELS.containsKey(key(modelHash, path, options));
    }

    /** Forgets and closes the model, if held; a later {@link #get} builds it again. */
    public static void release(String modelHash, PredictionPath path, RuntimeOptions options) {
        LoadedModel model = MODELS.remove(key(modelHash, path, options));
        if (model != null) {
            model.close();
            LOG.info("Released model {} for path {} with {} intra-op thread(s): calibration did not choose it",
                    modelHash.substring(0, Math.min(12, modelHash.length())), path.id(), options.intraOpThreads());
        }
    }

    private static String key(String modelHash, PredictionPath path, RuntimeOptions options) {
        return modelHash + '/' + path.id() + '/' + options.intraOpThreads() + '/' + options.gpuDevice();
    }

    private static LoadedModel build(ModelSpec spec, PredictionPath path, RuntimeOptions options) {
        long start = System.nanoTime();
        LoadedModel model = PredictionPaths.load(spec, path, options);
        BUILDS.incrementAndGet();
        LOG.info("Built model {} ({}) for path {} with {} intra-op thread(s){} in {} ms", spec.name(),
                spec.shortHash(), path.id(), options.intraOpThreads(),
                options.gpuDevice() == null ? "" : " on GPU " + options.gpuDevice(),
                (System.nanoTime() - start) / 1_000_000);
        return model;
    }

    /** How many models this JVM has built so far; tests and run summaries use it to show models are built once. */
    public static long buildCount() {
        return BUILDS.get();
    }

    /** Closes and forgets every model; for tests and JVM shutdown. */
    public static synchronized void closeAll() {
        MODELS.values().forEach(LoadedModel::close);
        MODELS.clear();
    }
}
