package io.sparkscore.runtime.tf;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.Shapes;
import io.sparkscore.runtime.PredictionException;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds a {@link ModelSpec}'s forward pass to an empty {@link Graph}: one placeholder per input, ops per node, and
 * Keras masks carried alongside the tensors that have them (see {@link TfMasks}).
 */
final class TfGraphBuilder {

    /** The feed and fetch handles of a built graph, in model input and output order. */
    record Endpoints(List<Output<TFloat32>> inputs, List<Output<TFloat32>> outputs) {
    }

    private TfGraphBuilder() {
    }

    static Endpoints build(ModelSpec spec, Graph graph) {
        Ops tf = Ops.create(graph);
        TfOps ops = new TfOps(tf, spec.kerasMajor());
        Map<String, Operand<TFloat32>> tensors = new HashMap<>();
        Map<String, Operand<TFloat32>> masks = new HashMap<>();
        List<Output<TFloat32>> placeholders = new ArrayList<>();
        for (InputSpec in : spec.inputs()) {
            if (!Shapes.isFullyKnown(in.shape())) {
                throw new ModelException("model input '" + in.name() + "' has shape " + Shapes.format(in.shape())
                        + " with an open dimension; sparkscore scores fixed-size rows, so the model must declare"
                        + " every non-batch dimension");
            }
            // The batch dimension stays open (-1) so that any batch size, a short last batch included, runs
            // through the same graph.
            Shape shape = Shape.of(TfOps.toLongs(TfOps.withBatch(in.shape())));
            Output<TFloat32> p = tf.placeholder(TFloat32.class, Placeholder.shape(shape)).output();
            placeholders.add(p);
            tensors.put(in.name(), p);
        }
        for (NodeSpec node : spec.nodes()) {
            LayerSpec layer = spec.layer(node.layerName());
            List<Operand<TFloat32>> inputs = node.inputs().stream().map(tensors::get).toList();
            List<Operand<TFloat32>> inputMasks = node.inputs().stream().map(masks::get).toList();
            TfMasks.Masked out = buildNode(spec, ops, node, layer, inputs, inputMasks);
            tensors.put(node.id(), out.output());
            if (out.mask() != null) {
                masks.put(node.id(), out.mask());
            }
        }
        List<Output<TFloat32>> outputs = new ArrayList<>();
        for (String name : spec.outputs()) {
            // An identity per output gives every fetch its own op, even when an output is a fed input or when
            // two outputs name the same tensor.
            outputs.add(tf.identity(tensors.get(name)).asOutput());
        }
        return new Endpoints(placeholders, outputs);
    }

    private static TfMasks.Masked buildNode(ModelSpec spec, TfOps ops, NodeSpec node, LayerSpec layer,
                                            List<Operand<TFloat32>> inputs, List<Operand<TFloat32>> inputMasks) {
        TfLayerBuilder builder = TfLayers.validated(layer);
        try {
            TfMasks.Masked out = builder instanceof TfCallBuilder call
                    ? call.buildCall(ops, layer, node, inputs, inputMasks)
                    : inputMasks.stream().allMatch(m -> m == null)
                    ? new TfMasks.Masked(builder.build(ops, layer, inputs), null)
                    : TfMasks.buildMasked(ops, layer, builder, inputs, inputMasks);
            Operand<TFloat32> created = TfMasks.created(ops, layer, inputs.get(0));
            return created == null ? out : new TfMasks.Masked(out.output(), created);
        } catch (ModelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PredictionException("could not build the TensorFlow graph of model '" + spec.name()
                    + "' at node '" + node.id() + "' (layer '" + layer.name() + "', " + layer.className()
                    + ", inputs " + inputs.stream().map(i -> i.shape().toString()).toList() + "): " + e.getMessage()
                    + "; the layer's weights or options do not fit its inputs", e);
        }
    }
}
