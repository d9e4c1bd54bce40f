package io.sparkscore.runtime;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.ShapeInference;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a model's channels_first layers the way Keras defines them: the same layer in channels_last between two
 * transposes (channels moved last before it, moved back after it). The result computes the same function, so the
 * jvm path, which has no channels_first layers, can check the tf path's channels_first model.
 */
final class ChannelsLastEquivalent {

    private ChannelsLastEquivalent() {
    }

    static ModelSpec of(ModelSpec spec) {
        Map<String, int[]> shapes = ShapeInference.infer(spec);
        Map<String, LayerSpec> layers = new LinkedHashMap<>();
        List<NodeSpec> nodes = new ArrayList<>();
        for (NodeSpec n : spec.nodes()) {
            LayerSpec l = spec.layer(n.layerName());
            if (!"channels_first".equals(l.config().getString("data_format", "channels_last"))) {
                layers.putIfAbsent(l.name(), l);
                nodes.add(n);
                continue;
            }
            int inRank = shapes.get(n.inputs().get(0)).length;
            int outRank = shapes.get(n.id()).length;
            LayerSpec toLast = permute(n.id() + "_to_channels_last", channelsLast(inRank));
            LayerSpec channelsLast = new LayerSpec(l.name(), l.className(),
                    l.config().with("data_format", "channels_last"), l.weights(), l.children());
            layers.put(toLast.name(), toLast);
            layers.putIfAbsent(l.name(), channelsLast);
            String moved = toLast.name();
            nodes.add(new NodeSpec(moved, toLast.name(), n.inputs()));
            if (outRank < 2) {
                nodes.add(new NodeSpec(n.id(), l.name(), List.of(moved)));
                continue;
            }
            String inner = n.id() + "_in_channels_last";
            nodes.add(new NodeSpec(inner, l.name(), List.of(moved)));
            LayerSpec back = permute(n.id() + "_to_channels_first", channelsFirst(outRank));
            layers.put(back.name(), back);
            nodes.add(new NodeSpec(n.id(), back.name(), List.of(inner)));
        }
        return new ModelSpec(spec.name() + "_channels_last", spec.sourceFormat(), spec.kerasVersion(), spec.inputs(),
                layers.values(), nodes, spec.outputs());
    }

    /** Keras Permute dims (1-based, batch excluded) moving axis 1 (channels) last: (2, ..., rank, 1). */
    private static List<Object> channelsLast(int rank) {
        List<Object> dims = new ArrayList<>();
        for (int i = 2; i <= rank; i++) {
            dims.add(i);
        }
        dims.add(1);
        return dims;
    }

    /** Moving the last axis (channels) first: (rank, 1, ..., rank - 1). */
    private static List<Object> channelsFirst(int rank) {
        List<Object> dims = new ArrayList<>();
        dims.add(rank);
        for (int i = 1; i < rank; i++) {
            dims.add(i);
        }
        return dims;
    }

    private static LayerSpec permute(String name, List<Object> dims) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("dims", dims);
        return new LayerSpec(name, "Permute", new LayerConfig(name, "Permute", config), Map.of());
    }
}
