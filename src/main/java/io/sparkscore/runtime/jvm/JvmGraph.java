package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.ShapeInference;
import io.sparkscore.model.Shapes;
import io.sparkscore.model.UnsupportedLayerException;
import io.sparkscore.model.layers.KerasMasks;
import io.sparkscore.model.layers.LayerFamily;
import io.sparkscore.model.layers.LayerRegistry;
import io.sparkscore.model.layers.SpatialAxes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ModelSpec}'s graph flattened into the jvm path's steps, in topological order: one step per node, plus the
 * steps Keras defines a node by and the jvm path runs separately. A channels_first layer runs as its channels_last
 * twin between two channel moves (how Keras defines it); a Keras mask is a tensor of its own, computed where Masking
 * or Embedding creates it, combined at merges and read by the layers that apply it ({@link MaskRules}).
 */
final class JvmGraph {

    final List<JvmLayer> layers = new ArrayList<>();
    final List<String> ids = new ArrayList<>();
    /** Per step, where each input comes from: {@code >= 0} a step index, {@code < 0} model input {@code -(i + 1)}. */
    final List<int[]> sources = new ArrayList<>();
    final List<Integer> rowSizes = new ArrayList<>();
    final int[] outputSources;

    private final ModelSpec spec;
    private final Map<String, int[]> shapes;
    /** The step (or model input) of each tensor, and of each tensor's mask where it carries one. */
    private final Map<String, Integer> tensorSteps = new HashMap<>();
    private final Map<String, Integer> maskSteps = new HashMap<>();
    /** A shared layer applied to same-shaped inputs reuses one built instance and its laid-out weights. */
    private final Map<String, JvmLayer> built = new HashMap<>();

    private JvmGraph(ModelSpec spec) {
        this.spec = spec;
        this.shapes = ShapeInference.infer(spec);
        for (int i = 0; i < spec.inputs().size(); i++) {
            tensorSteps.put(spec.inputs().get(i).name(), -(i + 1));
        }
        for (NodeSpec node : spec.nodes()) {
            addNode(node);
        }
        outputSources = spec.outputs().stream().mapToInt(tensorSteps::get).toArray();
    }

    static JvmGraph of(ModelSpec spec) {
        return new JvmGraph(spec);
    }

    private void addNode(NodeSpec node) {
        LayerSpec layer = spec.layer(node.layerName());
        List<int[]> inShapes = new ArrayList<>();
        int[] from = new int[node.inputs().size()];
        List<Integer> masks = new ArrayList<>();
        for (int k = 0; k < from.length; k++) {
            String in = node.inputs().get(k);
            inShapes.add(shapes.get(in));
            from[k] = tensorSteps.get(in);
            masks.add(maskSteps.get(in));
        }
        int[] outShape = shapes.get(node.id());
        if (!Shapes.isFullyKnown(outShape)) {
            throw new ModelException("node '" + node.id() + "' has output shape " + Shapes.format(outShape)
                    + " with an open dimension; the jvm path needs every size fixed by the model inputs");
        }
        MaskRules.Plan masking = MaskRules.plan(layer, inShapes, masks, spec.kerasMajor());
        Integer outMask = masking.outputMask();
        if (masking.combined().size() > 1) {
            outMask = add(node.id() + " (mask)", MaskLayers.combined(rowSize(masking.combined().get(0)),
                    KerasMasks.keptByAll(spec.kerasMajor())),
                    masking.combined().stream().mapToInt(Integer::intValue).toArray(),
                    rowSize(masking.combined().get(0)));
        }
        if (masking.consumed() != null) {
            int[] x = inShapes.get(0);
            int steps = movesChannels(layer, x) ? x[1] : x[0];
            if (rowSize(masking.consumed()) != steps) {
                throw new UnsupportedLayerException(layer.name(), layer.className(), "receives a Keras mask of "
                        + rowSize(masking.consumed()) + " steps for an input of " + steps + " steps");
            }
        }
        int out;
        if (!masking.perInput().isEmpty()) {
            out = addLayer(node, layer, inShapes, withInputMasks(node, inShapes, from, masking.perInput()), outShape,
                    true);
        } else {
            out = masking.consumed() == null ? addLayer(node, layer, inShapes, from, outShape, false)
                    : addLayer(node, layer, inShapes, append(from, masking.consumed()), outShape, true);
        }
        tensorSteps.put(node.id(), out);
        if (MaskRules.creates(layer)) {
            int[] x = inShapes.get(0);
            boolean isMasking = layer.className().equals("Masking");
            int size = Weights.size(x) / (isMasking ? x[x.length - 1] : 1);
            outMask = add(node.id() + " (mask)", isMasking ? MaskLayers.maskingMask(layer, x)
                    : MaskLayers.indexMask(x), new int[] {from[0]}, size);
        }
        if (outMask != null) {
            maskSteps.put(node.id(), outMask);
        }
    }

    /** The layer's step, between channel moves for a channels_first layer; returns the step of its output. */
    private int addLayer(NodeSpec node, LayerSpec layer, List<int[]> inShapes, int[] from, int[] outShape,
                         boolean masked) {
        // A shared layer applied to same-shaped inputs reuses one built instance and its laid-out weights.
        String key = layer.name() + inShapes.stream().map(Arrays::toString).toList() + masked + node.callArgs();
        int[] x = inShapes.get(0);
        if (!movesChannels(layer, x)) {
            JvmLayer l = built.computeIfAbsent(key, k -> JvmLayers.create(layer, inShapes, outShape,
                    spec.kerasMajor(), masked, node.callArgs()));
            return add(node.id(), l, from, Weights.size(outShape));
        }
        int[] lastX = channelsLast(x);
        boolean moveBack = outShape.length == x.length;
        int[] lastOut = moveBack ? channelsLast(outShape) : outShape;
        int[] moved = from.clone();
        moved[0] = add(node.id() + " (to channels_last)", GatherLayer.moveChannels(x, true), new int[] {from[0]},
                Weights.size(x));
        List<int[]> lastShapes = new ArrayList<>(inShapes);
        lastShapes.set(0, lastX);
        JvmLayer l = built.computeIfAbsent(key, k -> JvmLayers.create(layer, lastShapes, lastOut,
                spec.kerasMajor(), masked, node.callArgs()));
        int y = add(node.id() + " (channels_last)", l, moved, Weights.size(lastOut));
        return moveBack ? add(node.id(), GatherLayer.moveChannels(lastOut, false), new int[] {y},
                Weights.size(outShape)) : y;
    }

    /**
     * Whether the layer is a channels_first spatial layer (convolution, pooling, padding, cropping, resizing, or a
     * Flatten, which Keras defines as moving channels last first).
     */
    static boolean movesChannels(LayerSpec layer, int[] x) {
        LayerFamily family = LayerRegistry.require(layer).family();
        boolean spatial = family == LayerFamily.CONVOLUTION || family == LayerFamily.POOLING
                || family == LayerFamily.PADDING_AND_RESIZING || layer.className().equals("Flatten");
        return spatial && x.length >= 2 && SpatialAxes.channelsFirst(layer.config());
    }

    private static int[] channelsLast(int[] channelsFirst) {
        int[] r = new int[channelsFirst.length];
        System.arraycopy(channelsFirst, 1, r, 0, r.length - 1);
        r[r.length - 1] = channelsFirst[0];
        return r;
    }

    /** The row size of a mask, which a step always computes (model inputs carry none). */
    private int rowSize(int maskStep) {
        return rowSizes.get(maskStep);
    }

    private int add(String id, JvmLayer layer, int[] from, int rowSize) {
        layers.add(layer);
        ids.add(id);
        sources.add(from);
        rowSizes.add(rowSize);
        return layers.size() - 1;
    }

    /**
     * The sources of a layer applying every input's mask: its inputs, then one mask per input, all steps kept for an
     * input that carries none.
     */
    private int[] withInputMasks(NodeSpec node, List<int[]> inShapes, int[] from, List<Integer> masks) {
        int[] r = from;
        for (int k = 0; k < masks.size(); k++) {
            int[] shape = inShapes.get(k);
            int steps = Weights.size(shape) / shape[shape.length - 1];
            Integer mask = masks.get(k);
            if (mask != null && rowSize(mask) != steps) {
                throw new UnsupportedLayerException(node.layerName(), spec.layer(node.layerName()).className(),
                        "receives a Keras mask of " + rowSize(mask) + " steps for an input of " + steps + " steps");
            }
            r = append(r, mask != null ? mask : add(node.id() + " (no mask " + k + ")", MaskLayers.allKept(steps),
                    new int[] {from[k]}, steps));
        }
        return r;
    }

    private static int[] append(int[] a, int v) {
        int[] r = Arrays.copyOf(a, a.length + 1);
        r[a.length] = v;
        return r;
    }
}
