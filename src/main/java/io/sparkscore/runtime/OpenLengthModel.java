package io.sparkscore.runtime;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.OpenDimensions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A model with an open (None) input dimension on one path: for each distinct row length it builds the model with
 * that length fixed ({@link OpenDimensions#withLengths}) on the path, so a batch of rows of one length runs exactly
 * as Keras runs each of them alone. Each built model holds its own copy of the weights laid out for the path, so the
 * models kept are bounded by their weights: as many as fit {@link #WEIGHT_BYTES_KEPT} (at least
 * {@link #MIN_LENGTHS_KEPT}, at most {@link #MAX_LENGTHS_KEPT}); beyond that the least recently used one that no
 * predictor holds goes, and memory stays bounded however many lengths the data holds.
 *
 * <p>Thread-safe: task threads share it, each through its own {@link OpenLengthPredictor}.
 */
public final class OpenLengthModel implements LoadedModel {

    /** The weight copies the kept models may hold together; models a predictor holds are kept besides. */
    static final long WEIGHT_BYTES_KEPT = 256L << 20;
    static final int MIN_LENGTHS_KEPT = 8;
    static final int MAX_LENGTHS_KEPT = 1024;

    private final ModelSpec spec;
    private final PredictionPath path;
    private final ModelSignature signature;
    private final Function<ModelSpec, LoadedModel> loader;
    /** Access-ordered: the eldest entry is the least recently used. */
    private final LinkedHashMap<Lengths, Entry> built = new LinkedHashMap<>(16, 0.75f, true);
    private final int lengthsKept;
    private boolean closed;

    /** The open dimension's size for each input (0 for inputs without one); a value type for map keys. */
    record Lengths(int[] values) {

        @Override
        public boolean equals(Object o) {
            return o instanceof Lengths l && Arrays.equals(values, l.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return Arrays.toString(values);
        }
    }

    private static final class Entry {
        final LoadedModel model;
        int users;

        Entry(LoadedModel model) {
            this.model = model;
        }
    }

    /**
     * @param loader builds the fixed-length model on this path (called once per distinct length kept)
     */
    public OpenLengthModel(ModelSpec spec, PredictionPath path, Function<ModelSpec, LoadedModel> loader) {
        this.spec = spec;
        this.path = path;
        this.signature = ModelSignature.of(spec);
        this.loader = loader;
        long weightBytes = Math.max(1, spec.paramCount() * Float.BYTES);
        this.lengthsKept = (int) Math.max(MIN_LENGTHS_KEPT, Math.min(MAX_LENGTHS_KEPT, WEIGHT_BYTES_KEPT / weightBytes));
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public PredictionPath path() {
        return path;
    }

    /** The open signature: inputs keep their open dimension, outputs are fixed. */
    @Override
    public ModelSignature signature() {
        return signature;
    }

    @Override
    public Predictor newPredictor(int batchCapacity) {
        if (batchCapacity < 1) {
            throw new IllegalArgumentException("batchCapacity must be at least 1, got " + batchCapacity);
        }
        return new OpenLengthPredictor(this, batchCapacity);
    }

    /** The model for rows of these lengths, built on first use; give it back with {@link #release}. */
    LoadedModel acquire(Lengths lengths) {
        Entry e;
        synchronized (this) {
            if (closed) {
                throw new PredictionException("model '" + spec.name() + "' on path " + path.id() + " is closed");
            }
            e = built.get(lengths);
            if (e != null) {
                e.users++;
                return e.model;
            }
        }
        // built outside the lock: a TensorFlow graph takes a while, and other lengths need not wait for it
        LoadedModel model = loader.apply(OpenDimensions.withLengths(spec, lengths.values()));
        List<LoadedModel> evicted;
        LoadedModel kept;
        synchronized (this) {
            Entry raced = built.get(lengths);
            if (raced != null || closed) {
                model.close();
                if (closed) {
                    throw new PredictionException("model '" + spec.name() + "' on path " + path.id() + " is closed");
                }
                raced.users++;
                return raced.model;
            }
            Entry fresh = new Entry(model);
            fresh.users = 1;
            built.put(lengths, fresh);
            kept = model;
            evicted = evictUnused();
        }
        evicted.forEach(LoadedModel::close);
        return kept;
    }

    void release(Lengths lengths) {
        List<LoadedModel> evicted;
        synchronized (this) {
            Entry e = built.get(lengths);
            if (e == null) {
                return;
            }
            e.users--;
            evicted = evictUnused();
        }
        evicted.forEach(LoadedModel::close);
    }

    /** Drops the least recently used models no predictor holds while more than the limit are kept. */
    private List<LoadedModel> evictUnused() {
        List<LoadedModel> evicted = new ArrayList<>();
        Iterator<Map.Entry<Lengths, Entry>> it = built.entrySet().iterator();
        while (built.size() > lengthsKept && it.hasNext()) {
            Entry e = it.next().getValue();
            if (e.users <= 0) {
                it.remove();
                evicted.add(e.model);
            }
        }
        return evicted;
    }

    /** How many fixed-length models are built and kept now; for tests and logs. */
    public synchronized int lengthsBuilt() {
        return built.size();
    }

    @Override
    public void close() {
        List<LoadedModel> all;
        synchronized (this) {
            closed = true;
            all = built.values().stream().map(e -> e.model).toList();
            built.clear();
        }
        all.forEach(LoadedModel::close);
    }

    @Override
    public String toString() {
        return "OpenLengthModel[" + spec.name() + ", " + path.id() + ", " + lengthsBuilt() + " lengths built]";
    }
}
