package io.sparkscore.ml;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.PredictionPaths;
import io.sparkscore.runtime.RuntimeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.OptionalLong;
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
 * JVM's life. A task that uses a model holds it ({@link #acquire} … {@link #letGo}); a release frees the model only
 * when no other task holds it, so that a concurrent task of this executor (another calibration, a scoring task of a
 * concurrent job) never has its model closed under it. Each build's time is kept ({@link #lastBuildMillis}) so that
 * calibration can weigh rebuilding a released model by what building it really cost here.
 */
public final class ModelCache {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
    private static final Map<String, Entry> MODELS = new ConcurrentHashMap<>();
    private static final Map<String, Long> BUILD_MILLIS = new ConcurrentHashMap<>();
    private static final AtomicLong BUILDS = new AtomicLong();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ModelCache::closeAll, "sparkscore-model-cache-close"));
    }

    /** A cached model and how many tasks hold it now; mutated only inside the map's atomic compute of its key. */
    private static final class Entry {
        final LoadedModel model;
        int holders;

        Entry(LoadedModel model) {
            this.model = model;
        }
    }

    private ModelCache() {
    }

    /**
     * The cached model, built on first use from {@code spec} (fetched only then: reading a broadcast value is not
     * free for large models); the caller does not hold it, so use {@link #acquire} where a release could race.
     */
    public static LoadedModel get(String modelHash, Supplier<ModelSpec> spec, PredictionPath path,
                                  RuntimeOptions options) {
        return MODELS.compute(key(modelHash, path, options),
                (k, e) -> e != null ? e : new Entry(build(k, spec.get(), path, options))).model;
    }

    /** As {@link #get}, and the caller holds the model until its {@link #letGo} or {@link #release}. */
    public static LoadedModel acquire(String modelHash, Supplier<ModelSpec> spec, PredictionPath path,
                                      RuntimeOptions options) {
        return MODELS.compute(key(modelHash, path, options), (k, e) -> {
            Entry entry = e != null ? e : new Entry(build(k, spec.get(), path, options));
            entry.holders++;
            return entry;
        }).model;
    }

    /** The caller no longer uses the model; it stays cached for later tasks. */
    public static void letGo(String modelHash, PredictionPath path, RuntimeOptions options) {
        MODELS.computeIfPresent(key(modelHash, path, options), (k, e) -> {
            e.holders = Math.max(0, e.holders - 1);
            return e;
        });
    }

    /** Whether this JVM already holds the model, so that {@link #get} costs nothing. */
    public static boolean holds(String modelHash, PredictionPath path, RuntimeOptions options) {
        return MODELS.containsKey(key(modelHash, path, options));
    }

    /** How many tasks hold the model now (0 when none, or when it is not cached). */
    public static int holders(String modelHash, PredictionPath path, RuntimeOptions options) {
        Entry e = MODELS.get(key(modelHash, path, options));
        return e == null ? 0 : e.holders;
    }

    /**
     * The caller lets go of the model and no longer wants it cached: it is forgotten and closed unless another task
     * still holds it (then it stays, for that task and later ones); a later {@link #get} builds it again.
     */
    public static void release(String modelHash, PredictionPath path, RuntimeOptions options) {
        String shortHash = modelHash.substring(0, Math.min(12, modelHash.length()));
        MODELS.computeIfPresent(key(modelHash, path, options), (k, e) -> {
            e.holders = Math.max(0, e.holders - 1);
            if (e.holders > 0) {
                LOG.info("Kept model {} for path {} with {} intra-op thread(s): calibration did not choose it, but"
                        + " {} other task(s) of this executor use it", shortHash, path.id(),
                        options.intraOpThreads(), e.holders);
                return e;
            }
            e.model.close();
            LOG.info("Released model {} for path {} with {} intra-op thread(s): calibration did not choose it",
                    shortHash, path.id(), options.intraOpThreads());
            return null;
        });
    }

    /** How long the last build of this model took in this JVM, if it was ever built here (released or not). */
    public static OptionalLong lastBuildMillis(String modelHash, PredictionPath path, RuntimeOptions options) {
        Long millis = BUILD_MILLIS.get(key(modelHash, path, options));
        return millis == null ? OptionalLong.empty() : OptionalLong.of(millis);
    }

    private static String key(String modelHash, PredictionPath path, RuntimeOptions options) {
        return modelHash + '/' + path.id() + '/' + options.intraOpThreads() + '/' + options.gpuDevice();
    }

    private static LoadedModel build(String key, ModelSpec spec, PredictionPath path, RuntimeOptions options) {
        long start = System.nanoTime();
        LoadedModel model = PredictionPaths.load(spec, path, options);
        long millis = (System.nanoTime() - start) / 1_000_000;
        BUILDS.incrementAndGet();
        BUILD_MILLIS.put(key, millis);
        LOG.info("Built model {} ({}) for path {} with {} intra-op thread(s){} in {} ms", spec.name(),
                spec.shortHash(), path.id(), options.intraOpThreads(),
                options.gpuDevice() == null ? "" : " on GPU " + options.gpuDevice(), millis);
        return model;
    }

    /** How many models this JVM has built so far; tests and run summaries use it to show models are built once. */
    public static long buildCount() {
        return BUILDS.get();
    }

    /** Closes and forgets every model and its build time; for tests and JVM shutdown. */
    public static synchronized void closeAll() {
        MODELS.values().forEach(e -> e.model.close());
        MODELS.clear();
        BUILD_MILLIS.clear();
    }
}
