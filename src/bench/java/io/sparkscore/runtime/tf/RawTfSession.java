package io.sparkscore.runtime.tf;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.Shapes;
import io.sparkscore.runtime.RuntimeOptions;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The benchmark's "raw TensorFlow" reference: the same graph {@link TfModel} builds (same builder, same session
 * settings), run with one pre-built input tensor fed again and again, so a call is {@code session.runner()} alone,
 * without sparkscore's copying of rows into a fresh tensor and of predictions back out.
 *
 * <p>Lives in the {@code runtime.tf} package of the benchmark sources only to reach the package-private graph
 * builder; it is not part of the product. Single input, single output models only. Owns a graph, a session and the
 * fed tensor: close it. Not thread-safe.
 */
public final class RawTfSession implements AutoCloseable {

    private final Graph graph;
    private final Session session;
    private final TfGraphBuilder.Endpoints endpoints;
    private final TFloat32 fed;

    /** Builds the graph and feeds {@code rows} rows taken from {@code data} (row-major, input 0). */
    public RawTfSession(ModelSpec spec, RuntimeOptions options, int rows, float[] data) {
        if (spec.inputs().size() != 1 || spec.outputs().size() != 1) {
            throw new IllegalArgumentException("raw session supports one input and one output, model '"
                    + spec.name() + "' has " + spec.inputs().size() + " and " + spec.outputs().size());
        }
        graph = new Graph();
        endpoints = TfGraphBuilder.build(spec, graph);
        ConfigProto config = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(options.intraOpThreads())
                .setInterOpParallelismThreads(TfModel.RUN_IN_CALLER_THREAD)
                .build();
        session = new Session(graph, config);
        int[] shape = Shapes.concat(new int[] {rows}, spec.inputs().get(0).shape());
        fed = TFloat32.tensorOf(Shape.of(TfOps.toLongs(shape)));
        fed.asRawTensor().data().asFloats().write(data, 0, (int) Shapes.size(shape));
    }

    /** One session run on the pre-built tensor; returns the first prediction so the call cannot be optimised away. */
    public float run() {
        try (Result result = session.runner().feed(endpoints.inputs().get(0), fed)
                .fetch(endpoints.outputs().get(0)).run()) {
            return ((TFloat32) result.get(0)).asRawTensor().data().asFloats().getFloat(0);
        }
    }

    @Override
    public void close() {
        fed.close();
        session.close();
        graph.close();
    }
}
