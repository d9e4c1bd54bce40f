package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.ShapeInference;
import io.sparkscore.model.Shapes;
import io.sparkscore.model.UnsupportedLayerException;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.ModelSignature;
import io.sparkscore.runtime.PredictionPath;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link ModelSpec} rebuilt for the pure-Java forward pass: every layer validated and its weights laid out once,
 * the graph flattened into an array of layer applications in topological order.
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
    /** Per node, where each input comes from: {@code >= 0} a node index, {@code < 0} model input {@code -(i + 1)}. */
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
        Map<String, int[]> shapes = ShapeInference.infer(spec);
        Map<String, Integer> sources = new HashMap<>();
        for (int i = 0; i < spec.inputs().size(); i++) {
            sources.put(spec.inputs().get(i).name(), -(i + 1));
        }
        List<NodeSpec> nodes = spec.nodes();
        int n = nodes.size();
        nodeLayers = new JvmLayer[n];
        nodeIds = new String[n];
        nodeSources = new int[n][];
        int[] nodeRowSizes = new int[n];
        Map<String, JvmLayer> built = new HashMap<>();
        for (int i = 0; i < n; i++) {
            NodeSpec node = nodes.get(i);
            List<int[]> inShapes = new ArrayList<>();
            nodeSources[i] = new int[node.inputs().size()];
            for (int k = 0; k < node.inputs().size(); k++) {
                String in = node.inputs().get(k);
                inShapes.add(shapes.get(in));
                nodeSources[i][k] = sources.get(in);
            }
            int[] outShape = shapes.get(node.id());
            if (!Shapes.isFullyKnown(outShape)) {
                throw new ModelException("node '" + node.id() + "' has output shape " + Shapes.format(outShape)
                        + " with an open dimension; the jvm path needs every size fixed by the model inputs");
            }
            LayerSpec layer = spec.layer(node.layerName());
            // A shared layer applied to same-shaped inputs reuses one built instance and its laid-out weights.
            String key = layer.name() + inShapes.stream().map(Arrays::toString).toList() + node.callArgs();
            nodeLayers[i] = built.computeIfAbsent(key,
                    k -> JvmLayers.create(layer, inShapes, outShape, spec.kerasMajor(), node.callArgs()));
            nodeIds[i] = node.id();
            nodeRowSizes[i] = Math.toIntExact(Shapes.size(outShape));
            sources.put(node.id(), i);
        }
        outputSources = spec.outputs().stream().mapToInt(sources::get).toArray();
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
