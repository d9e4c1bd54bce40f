package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.UnsupportedLayerException;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.ModelSignature;
import io.sparkscore.runtime.PredictionPath;

import java.util.Optional;

/**
 * A {@link ModelSpec} rebuilt for the pure-Java forward pass: every layer validated and its weights laid out once,
 * the graph flattened into an array of steps in topological order ({@link JvmGraph}).
 *
 * <p>Immutable and thread-safe after {@link #load(ModelSpec)}; holds no native resources, so {@link #close()} does
 * nothing. Each task gets its own {@link JvmPredictor}, which owns the mutable buffers:
 * <pre>{@code
 * JvmModel model = JvmModel.load(spec);
 * try (JvmPredictor p = model.newPredictor(1024)) {
 *     p.predict(inputs, rows, outputs);
 * }
 * }</pre>
 */
public final class JvmModel implements LoadedModel {

    private final ModelSpec spec;
    private final ModelSignature signature;
    private final JvmLayer[] nodeLayers;
    private final String[] nodeIds;
    /** Per step, where each input comes from: {@code >= 0} a step index, {@code < 0} model input {@code -(i + 1)}. */
    private final int[][] nodeSources;
    private final int[] outputSources;
    private final BufferPlan bufferPlan;

    private JvmModel(ModelSpec spec) {
        this.spec = spec;
        for (LayerSpec layer : spec.layers()) {
            Optional<String> why = JvmSupport.whyUnsupported(layer);
            if (why.isPresent()) {
                throw new UnsupportedLayerException(layer.name(), layer.className(), why.get());
            }
        }
        this.signature = ModelSignature.of(spec);
        JvmGraph graph = JvmGraph.of(spec);
        nodeLayers = graph.layers.toArray(new JvmLayer[0]);
        nodeIds = graph.ids.toArray(new String[0]);
        nodeSources = graph.sources.toArray(new int[0][]);
        int[] nodeRowSizes = graph.rowSizes.stream().mapToInt(Integer::intValue).toArray();
        outputSources = graph.outputSources;
        bufferPlan = BufferPlan.of(nodeSources, nodeRowSizes, outputSources);
    }

    /**
     * Validates every layer, then lays out the weights.
     *
     * @throws UnsupportedLayerException naming the first layer the jvm path cannot run and why
     */
    public static JvmModel load(ModelSpec spec) {
        return new JvmModel(spec);
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public PredictionPath path() {
        return PredictionPath.JVM;
    }

    @Override
    public ModelSignature signature() {
        return signature;
    }

    @Override
    public JvmPredictor newPredictor(int batchCapacity) {
        if (batchCapacity < 1) {
            throw new IllegalArgumentException("batchCapacity must be at least 1, got " + batchCapacity);
        }
        return new JvmPredictor(this, batchCapacity);
    }

    @Override
    public void close() {
        // Nothing native to release: weights are plain arrays owned by the garbage collector.
    }

    JvmLayer[] nodeLayers() {
        return nodeLayers;
    }

    String nodeId(int node) {
        return nodeIds[node];
    }

    int[][] nodeSources() {
        return nodeSources;
    }

    BufferPlan bufferPlan() {
        return bufferPlan;
    }

    int[] outputSources() {
        return outputSources;
    }

    @Override
    public String toString() {
        return "JvmModel[" + spec + "]";
    }
}
