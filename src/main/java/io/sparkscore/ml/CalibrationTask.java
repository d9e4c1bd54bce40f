package io.sparkscore.ml;

import io.sparkscore.calibration.CalibrationReport;
import io.sparkscore.calibration.CalibrationException;
import io.sparkscore.calibration.CalibrationSettings;
import io.sparkscore.calibration.Calibrator;
import io.sparkscore.calibration.HardwareSignature;
import io.sparkscore.calibration.ModelProvider;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.Shapes;
import io.sparkscore.model.ShapeInference;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.tf.TfModel;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The calibration stage's executor side: maps the sampled input rows exactly as scoring will, then measures the
 * candidate plans with the models from this JVM's {@link ModelCache} (which scoring then reuses) and returns the
 * serialised {@link CalibrationReport}. Rows that scoring would reject are left out of the sample.
 */
final class CalibrationTask implements MapPartitionsFunction<Row, byte[]> {

    /** Share of the executor heap one batch's activations may take, across all concurrent tasks. */
    private static final double HEAP_SHARE_PER_BATCH = 0.125;

    private final ModelSource model;
    private final String modelHash;
    private final RowBatch.Factory batches;
    private final List<PredictionPath> paths;
    private final Map<String, String> excluded;
    private final CalibrationSettings settings;

    CalibrationTask(ModelSource model, String modelHash, RowBatch.Factory batches,
                    List<PredictionPath> paths, Map<String, String> excluded, CalibrationSettings settings) {
        this.model = model;
        this.modelHash = modelHash;
        this.batches = batches;
        this.paths = List.copyOf(paths);
        this.excluded = Map.copyOf(excluded);
        this.settings = settings;
    }

    @Override
    public Iterator<byte[]> call(Iterator<Row> rows) {
        RowBatchCodec codec = new RowBatchCodec(collect(rows), batches);
        TaskContext task = TaskContext.get();
        int threads = Math.max(1, task.cpus());
        // Without per-session pools, TensorFlow's first session fixes the pool size for the JVM: give it the task's cpus.
        int minThreads = TfModel.perSessionThreadPools() ? 1 : threads;
        CalibrationSettings local = settings.withThreads(minThreads, threads)
                .withMaxBatchRows(Math.min(settings.maxBatchRows(), maxBatchForHeap(longest(model.spec()), threads)));
        SparkEnv env = SparkEnv.get();
        String ranOn = "executor " + env.executorId() + " on " + env.blockManager().blockManagerId().host() + " ("
                + HardwareSignature.current(threads, "").cpuModel() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, task cpus " + threads + ")";
        CachedModels models = new CachedModels(task);
        try {
            CalibrationReport report = new Calibrator(local).run(paths, excluded, models, codec, ranOn);
            return List.of(serialize(report)).iterator();
        } finally {
            models.letGoOfAll();
        }
    }

    /**
     * Calibration's models are this JVM's {@link ModelCache}: what it chooses, scoring reuses; what loses, goes —
     * unless another task of this executor holds it too. The task holds each model it measures until it ends.
     */
    private final class CachedModels implements ModelProvider {

        private final TaskContext task;
        private final Map<Slot, LoadedModel> held = new LinkedHashMap<>();

        CachedModels(TaskContext task) {
            this.task = task;
        }

        @Override
        public LoadedModel get(PredictionPath path, int threads) {
            return held.computeIfAbsent(new Slot(path, threads), k -> ModelCache.acquire(modelHash,
                    model::spec, path, TaskResources.forTask(task, path, threads)));
        }

        @Override
        public boolean holds(PredictionPath path, int threads) {
            return ModelCache.holds(modelHash, path, TaskResources.forTask(task, path, threads));
        }

        @Override
        public OptionalLong buildMillis(PredictionPath path, int threads) {
            return ModelCache.lastBuildMillis(modelHash, path, TaskResources.forTask(task, path, threads));
        }

        @Override
        public void release(PredictionPath path, int threads) {
            if (held.remove(new Slot(path, threads)) != null) {
                ModelCache.release(modelHash, path, TaskResources.forTask(task, path, threads));
            }
        }

        /** The task is done with the models it still holds; they stay cached (the chosen one for scoring). */
        void letGoOfAll() {
            held.keySet().forEach(k -> ModelCache.letGo(modelHash, k.path(), TaskResources.forTask(task, k.path(),
                    k.threads())));
            held.clear();
        }
    }

    /** A path and thread count: one model of the cache for this task. */
    private record Slot(PredictionPath path, int threads) {
    }

    /** The sampled rows scoring would accept; rows it would reject say nothing about speed. */
    private List<Row> collect(Iterator<Row> rows) {
        List<Row> good = new ArrayList<>();
        RowBatch probe = batches.create(1);
        while (rows.hasNext()) {
            Row row = rows.next();
            probe.clear();
            try {
                probe.add(row);
                good.add(row);
            } catch (BadRowException e) {
                // skipped, see above
            }
        }
        if (good.isEmpty()) {
            throw new CalibrationException("calibration found no scorable row among the sampled input rows; check"
                    + " that the input has rows with non-null, finite features");
        }
        return good;
    }

    /** The model at the longest sequences rows may bring, whose activations bound a batch's (no open inputs: itself). */
    private ModelSpec longest(ModelSpec spec) {
        SequenceLengths sequences = batches.features().sequences();
        return sequences.any() ? sequences.longest(spec) : spec;
    }

    /** Largest batch whose activations (every tensor of the graph, float32) fit this task's share of the heap. */
    static int maxBatchForHeap(ModelSpec spec, int tasksPerExecutorGuess) {
        long bytesPerRow = 0;
        for (int[] shape : ShapeInference.infer(spec).values()) {
            bytesPerRow += Shapes.size(shape) * Float.BYTES;
        }
        long budget = (long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE_PER_BATCH / tasksPerExecutorGuess);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, budget / Math.max(1, bytesPerRow)));
    }

    private static byte[] serialize(CalibrationReport report) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(report);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public String toString() {
        return "CalibrationTask[" + modelHash + ", paths " + paths + "]";
    }
}
