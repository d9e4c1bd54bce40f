package io.sparkscore.model;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The format-neutral description of a model: its graph (inputs, layer applications in topological order, outputs)
 * and every weight as float32. This is what the driver broadcasts and what each executor rebuilds its uncompiled
 * model from; nothing in it refers to Keras files, Spark or TensorFlow.
 *
 * <p>Immutable and safe to share between threads. {@link #hash()} identifies the content (architecture and weights),
 * and keys the per-JVM model cache and the calibration plan store.
 */
public final class ModelSpec implements Serializable {

    private final String name;
    private final String sourceFormat;
    private final String kerasVersion;
    private final List<InputSpec> inputs;
    private final Map<String, LayerSpec> layers;
    private final List<NodeSpec> nodes;
    private final List<String> outputs;
    private final Map<String, byte[]> artifacts;
    private transient volatile String hash;

    public ModelSpec(String name, String sourceFormat, String kerasVersion, List<InputSpec> inputs,
                     Collection<LayerSpec> layers, List<NodeSpec> nodes, List<String> outputs) {
        this(name, sourceFormat, kerasVersion, inputs, layers, nodes, outputs, Map.of());
    }

    /**
     * A spec that also carries opaque files a path needs to rebuild the model (e.g. a zipped TensorFlow SavedModel
     * under {@code saved_model.zip}); they travel with the spec and count in its {@link #hash()}. The arrays are not
     * copied: callers hand them over and never change them afterwards.
     */
    public ModelSpec(String name, String sourceFormat, String kerasVersion, List<InputSpec> inputs,
                     Collection<LayerSpec> layers, List<NodeSpec> nodes, List<String> outputs,
                     Map<String, byte[]> artifacts) {
        this.name = name;
        this.sourceFormat = sourceFormat;
        this.kerasVersion = kerasVersion;
        this.inputs = List.copyOf(inputs);
        Map<String, LayerSpec> byName = new LinkedHashMap<>();
        for (LayerSpec l : layers) {
            if (byName.put(l.name(), l) != null) {
                throw new ModelException("model '" + name + "' has two layers named '" + l.name() + "'");
            }
        }
        this.layers = java.util.Collections.unmodifiableMap(byName);
        this.nodes = List.copyOf(nodes);
        this.outputs = List.copyOf(outputs);
        this.artifacts = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(artifacts));
        validateGraph();
    }

    private void validateGraph() {
        if (inputs.isEmpty()) {
            throw new ModelException("model '" + name + "' has no inputs");
        }
        if (outputs.isEmpty()) {
            throw new ModelException("model '" + name + "' has no outputs");
        }
        Set<String> known = new HashSet<>();
        for (InputSpec in : inputs) {
            known.add(in.name());
        }
        for (NodeSpec n : nodes) {
            if (!layers.containsKey(n.layerName())) {
                throw new ModelException("model '" + name + "': node '" + n.id() + "' applies unknown layer '"
                        + n.layerName() + "'");
            }
            for (String ref : n.inputs()) {
                if (!known.contains(ref)) {
                    throw new ModelException("model '" + name + "': node '" + n.id() + "' reads '" + ref
                            + "', which is neither a model input nor an earlier node");
                }
            }
            if (!known.add(n.id())) {
                throw new ModelException("model '" + name + "': tensor '" + n.id() + "' is defined twice");
            }
        }
        for (String out : outputs) {
            if (!known.contains(out)) {
                throw new ModelException("model '" + name + "': output '" + out + "' is not produced by any node");
            }
        }
    }

    public String name() {
        return name;
    }

    /** Where the spec came from, for reports: e.g. {@code keras-v3} or {@code keras-h5}. */
    public String sourceFormat() {
        return sourceFormat;
    }

    public String kerasVersion() {
        return kerasVersion;
    }

    /** The major version of the Keras that wrote the model, for the defaults and formulas that differ by version. */
    public int kerasMajor() {
        return kerasMajor(kerasVersion);
    }

    /**
     * The major version in a Keras version string such as {@code 2.2.4-tf} or {@code 3.9.2}. A file that does not say
     * is taken for Keras 2: Keras 3 always writes its version into a {@code .keras} archive's metadata, so only
     * legacy HDF5 files (and architecture JSON) can lack it.
     */
    public static int kerasMajor(String kerasVersion) {
        if (kerasVersion == null || kerasVersion.isEmpty() || !Character.isDigit(kerasVersion.charAt(0))) {
            return 2;
        }
        int end = 0;
        while (end < kerasVersion.length() && Character.isDigit(kerasVersion.charAt(end))) {
            end++;
        }
        return Integer.parseInt(kerasVersion.substring(0, end));
    }

    public List<InputSpec> inputs() {
        return inputs;
    }

    public Collection<LayerSpec> layers() {
        return layers.values();
    }

    public LayerSpec layer(String layerName) {
        LayerSpec l = layers.get(layerName);
        if (l == null) {
            throw new ModelException("model '" + name + "' has no layer '" + layerName + "'");
        }
        return l;
    }

    public List<NodeSpec> nodes() {
        return nodes;
    }

    public List<String> outputs() {
        return outputs;
    }

    /** Opaque files carried with the spec, by name; empty for models described by layers and weights alone. */
    public Map<String, byte[]> artifacts() {
        return artifacts;
    }

    /** The bytes of every artifact together, for sizing how the spec travels. */
    public long artifactBytes() {
        long n = 0;
        for (byte[] a : artifacts.values()) {
            n += a.length;
        }
        return n;
    }

    public long paramCount() {
        long n = 0;
        for (LayerSpec l : layers.values()) {
            n += l.paramCount();
        }
        return n;
    }

    /** SHA-256 over the architecture, every weight value and every artifact, hex encoded. */
    public String hash() {
        String h = hash;
        if (h == null) {
            h = computeHash();
            hash = h;
        }
        return h;
    }

    private String computeHash() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        update(md, inputs.toString());
        for (InputSpec in : inputs) {
            update(md, in.name() + java.util.Arrays.toString(in.shape()) + in.dtype());
        }
        for (NodeSpec n : nodes) {
            update(md, n.toString());
        }
        update(md, outputs.toString());
        List<LayerSpec> pending = new ArrayList<>(layers.values());
        for (int i = 0; i < pending.size(); i++) {
            LayerSpec l = pending.get(i);
            // sorted, so that the hash depends on content and not on the order a reader or builder used
            update(md, l.name() + '|' + l.className() + '|' + sorted(l.config().asMap()));
            for (Tensor t : new java.util.TreeMap<>(l.weights()).values()) {
                update(md, t.name() + java.util.Arrays.toString(t.shape()));
                ByteBuffer buf = ByteBuffer.allocate(t.data().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(t.data());
                md.update(buf);
            }
            pending.addAll(l.children());
        }
        for (Map.Entry<String, byte[]> a : artifacts.entrySet()) {
            update(md, a.getKey());
            md.update(a.getValue());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static Object sorted(Object value) {
        if (value instanceof Map<?, ?> m) {
            java.util.TreeMap<String, Object> r = new java.util.TreeMap<>();
            m.forEach((k, v) -> r.put(String.valueOf(k), sorted(v)));
            return r;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(ModelSpec::sorted).toList();
        }
        return value;
    }

    private static void update(MessageDigest md, String s) {
        md.update(s.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
    }

    /** A short hash prefix for logs and file names. */
    public String shortHash() {
        return hash().substring(0, 12);
    }

    @Override
    public String toString() {
        return "ModelSpec[" + name + ", " + sourceFormat + ", " + layers.size() + " layers, " + paramCount()
                + " params, hash " + shortHash() + "]";
    }
}
