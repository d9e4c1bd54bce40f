package io.sparkscore.runtime.tf;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.Shapes;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.ModelSignature;
import io.sparkscore.runtime.PredictionException;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.RuntimeOptions;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A model on the tf path: a TensorFlow graph built once from a {@link ModelSpec} (weights as constants, a dynamic
 * batch dimension) and one {@link Session} over it. Each batch is one {@code Session.runner()} call.
 *
 * <p>Owns the native graph and session; {@link #close()} (idempotent) frees both, waiting for runs in flight.
 * Thread-safe: task threads share one instance, each through its own {@link TfPredictor}.
 *
 * <p>Threads: each batch runs in the calling thread; kernels split work over TensorFlow's intra-op pool, sized from
 * {@link RuntimeOptions#intraOpThreads()}. TensorFlow keeps that pool process-wide, so the first session opened in a
 * JVM fixes its size for every later one, unless the environment sets {@code TF_OVERRIDE_GLOBAL_THREADPOOL=true}:
 * then each session gets a pool of its own size ({@link #perSessionThreadPools()}).
 * <pre>{@code
 * try (TfModel model = TfModel.load(spec, new RuntimeOptions(2));
 *      Predictor p = model.newPredictor(1024)) {
 *     p.predict(inputs, rows, outputs);
 * }
 * }</pre>
 */
public final class TfModel implements LoadedModel, BatchRunner {

    /**
     * A negative inter-op setting makes TensorFlow's DirectSession run each graph in the calling thread. Task threads
     * share one session, so each drives its own batch instead of queueing on a process-wide inter-op pool (with 1
     * thread there, concurrent tasks would be serialised); parallelism inside ops still comes from the intra-op pool.
     */
    static final int RUN_IN_CALLER_THREAD = -1;

    /** TensorFlow hands a session its graph as one protobuf message, which cannot exceed 2 GiB. */
    static final long MAX_CONSTANT_BYTES = Integer.MAX_VALUE - (64L << 20);

    private final ModelSpec spec;
    private final ConfigProto sessionConfig;
    private final Graph graph;
    private final Session session;
    private final List<Output<TFloat32>> inputs;
    private final List<Output<TFloat32>> outputs;
    private final ModelSignature signature;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TfModel(ModelSpec spec, ConfigProto sessionConfig, Graph graph, TfGraphBuilder.Endpoints endpoints) {
        this.spec = spec;
        this.sessionConfig = sessionConfig;
        this.graph = graph;
        this.inputs = endpoints.inputs();
        this.outputs = endpoints.outputs();
        this.signature = signature(spec, outputs);
        this.session = new Session(graph, sessionConfig);
    }

    /**
     * Validates every layer (so nothing native is created for a model this path would score wrongly), builds the
     * graph and opens the session.
     *
     * @throws io.sparkscore.model.UnsupportedLayerException naming the first layer, class and option not supported
     * @throws PredictionException when TensorFlow refuses the graph
     */
    public static TfModel load(ModelSpec spec, RuntimeOptions options) {
        for (LayerSpec layer : spec.layers()) {
            TfLayers.validated(layer);
        }
        Optional<String> graphLimit = TfSupport.whyUnsupported(spec);
        if (graphLimit.isPresent()) {
            throw new PredictionException("model '" + spec.name() + "' cannot be built on the tf path: "
                    + graphLimit.get());
        }
        ConfigProto config = sessionConfig(options);
        Graph graph = new Graph();
        try {
            return new TfModel(spec, config, graph, TfGraphBuilder.build(spec, graph));
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    /** The session options every tf-path session opens with: threads, soft placement and the executor's GPU. */
    static ConfigProto sessionConfig(RuntimeOptions options) {
        ConfigProto.Builder configBuilder = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(options.intraOpThreads())
                .setInterOpParallelismThreads(RUN_IN_CALLER_THREAD)
                // ops without a GPU kernel, or a CPU-only build, fall back to the CPU instead of failing
                .setAllowSoftPlacement(true);
        if (options.gpuDevice() != null) {
            // only the GPU Spark assigned to this executor, and only the memory it needs (other tasks share it)
            configBuilder.setGpuOptions(GPUOptions.newBuilder()
                    .setVisibleDeviceList(options.gpuDevice())
                    .setAllowGrowth(true));
        }
        return configBuilder.build();
    }

    /** Whether TensorFlow gives each session its own intra-op pool in this process (see the class doc). */
    public static boolean perSessionThreadPools() {
        String v = System.getenv("TF_OVERRIDE_GLOBAL_THREADPOOL");
        return "true".equalsIgnoreCase(v) || "1".equals(v);
    }

    private static ModelSignature signature(ModelSpec spec, List<Output<TFloat32>> outputs) {
        List<String> inNames = new ArrayList<>();
        List<int[]> inShapes = new ArrayList<>();
        for (InputSpec in : spec.inputs()) {
            inNames.add(in.name());
            inShapes.add(in.shape().clone());
        }
        List<int[]> outShapes = new ArrayList<>();
        for (int j = 0; j < outputs.size(); j++) {
            Shape s = outputs.get(j).shape();
            if (s.isUnknown() || s.tail().hasUnknownDimension()) {
                throw new PredictionException("model '" + spec.name() + "': TensorFlow cannot determine the shape of"
                        + " output '" + spec.outputs().get(j) + "' (found " + s + "); sparkscore needs every"
                        + " non-batch output dimension to be fixed");
            }
            outShapes.add(TfOps.shape(outputs.get(j)));
        }
        return new ModelSignature(inNames, inShapes, spec.outputs(), outShapes);
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public PredictionPath path() {
        return PredictionPath.TF;
    }

    @Override
    public ModelSignature signature() {
        return signature;
    }

    @Override
    public TfPredictor newPredictor(int batchCapacity) {
        ensureOpen();
        return new TfPredictor(this, batchCapacity);
    }

    /** The session options this model was opened with (thread settings), for logs and tests. */
    public ConfigProto sessionConfig() {
        return sessionConfig;
    }

    Graph graph() {
        return graph;
    }

    Session session() {
        return session;
    }

    /** One batch with temporary input tensors: feeds every input, runs the session once, copies outputs back. */
    @Override
    public void run(float[][] in, int rows, float[][] out) {
        run(in, rows, out, null);
    }

    /** New input tensors of {@code rows} rows, one per model input; the caller closes them. */
    TFloat32[] inputTensors(int rows) {
        TFloat32[] tensors = new TFloat32[inputs.size()];
        for (int i = 0; i < tensors.length; i++) {
            int[] dims = signature.inputShapes().get(i);
            tensors[i] = TFloat32.tensorOf(Shape.of(TfOps.toLongs(Shapes.concat(new int[] {rows}, dims))));
        }
        return tensors;
    }

    /**
     * Runs one batch.
     *
     * @param reusable input tensors of exactly {@code rows} rows owned by the caller (filled and fed, not closed),
     *                 or null to use temporary ones freed before returning
     */
    void run(float[][] in, int rows, float[][] out, TFloat32[] reusable) {
        ensureOpen();
        TFloat32[] fed = reusable != null ? reusable : inputTensors(rows);
        try {
            Session.Runner runner = session.runner();
            for (int i = 0; i < inputs.size(); i++) {
                fed[i].asRawTensor().data().asFloats().write(in[i], 0, rows * signature.inputSize(i));
                runner.feed(inputs.get(i), fed[i]);
            }
            for (Output<TFloat32> o : outputs) {
                runner.fetch(o);
            }
            try (Result result = runner.run()) {
                for (int j = 0; j < outputs.size(); j++) {
                    copyOut(result.get(j), rows, j, out[j]);
                }
            }
        } catch (PredictionException e) {
            throw e;
        } catch (RuntimeException e) {
            ensureOpen();
            throw new PredictionException("TensorFlow failed on a batch of " + rows + " rows of model '"
                    + spec.name() + "': " + e.getMessage(), e);
        } finally {
            if (reusable == null) {
                for (TFloat32 t : fed) {
                    t.close();
                }
            }
        }
    }

    private void copyOut(Tensor t, int rows, int j, float[] dst) {
        int n = rows * signature.outputSize(j);
        if (t.asRawTensor().numBytes() != (long) n * Float.BYTES) {
            throw new PredictionException("model '" + spec.name() + "': output '" + signature.outputNames().get(j)
                    + "' came back with shape " + t.shape() + " but " + rows + " rows of "
                    + Shapes.format(signature.outputShapes().get(j)) + " were expected");
        }
        t.asRawTensor().data().asFloats().read(dst, 0, n);
    }

    void ensureOpen() {
        if (closed.get()) {
            throw new PredictionException("TensorFlow model '" + spec.name() + "' (" + spec.shortHash()
                    + ") is closed; it was shut down or evicted, load it again to score more rows");
        }
    }

    /** Frees the session (after runs in flight finish) and the graph; later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                session.close();
            } finally {
                graph.close();
            }
        }
    }

    @Override
    public String toString() {
        return "TfModel[" + spec.name() + ", " + spec.shortHash() + ", intra-op threads "
                + sessionConfig.getIntraOpParallelismThreads() + (closed.get() ? ", closed" : "") + "]";
    }
}
