package io.sparkscore.model.keras;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.Tensor;
import io.sparkscore.model.layers.LayerRegistry;
import io.sparkscore.model.layers.MultiHeadAttentionOptions;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a {@link ModelSpec} as a Keras 3 {@code .keras} archive, with the layout Keras 3 itself writes:
 * {@code metadata.json}, {@code config.json} and {@code model.weights.h5} holding each layer's weights positionally
 * under {@code layers/<class in snake case>[_<k>]/vars/<i>} (recurrent layers under {@code cell/vars}, wrappers under
 * {@code forward_layer}/{@code backward_layer}/{@code layer}). The project generates its test models and sample data
 * with it, and {@link KerasModelReader} reads the result back to the same spec (same {@link ModelSpec#hash()}).
 *
 * <p>Entries carry a fixed timestamp, so the same spec always gives the same bytes. Activations are written under
 * their canonical spec names; Keras 2's {@code hard_sigmoid_keras2} has no Keras 3 equivalent name, so Keras 3 cannot
 * load such a file (sparkscore can). Functional configs record each tensor's shape from {@link
 * io.sparkscore.model.ShapeInference}; Keras 3 needs them to load the file. Layers without weights get no group in
 * {@code model.weights.h5}, which Keras 3 loads as "no variables".
 *
 * <p>Stateless and thread-safe; the weights file goes through a temporary file that is always deleted.
 *
 * <pre>{@code
 * KerasArchiveWriter.write(spec, Path.of("data/models/mlp.keras"));
 * }</pre>
 */
public final class KerasArchiveWriter {

    private static final long FIXED_ENTRY_TIME = 315532800000L; // 1980-01-01, what Keras itself stamps

    private KerasArchiveWriter() {
    }

    public static void write(ModelSpec spec, Path target) {
        try (OutputStream out = Files.newOutputStream(target)) {
            write(spec, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /**
     * Writes the archive with its StringLookup and IntegerLookup layers as Keras saves adapted ones: the
     * vocabulary (special tokens first) in {@code assets/<layer path>/vocabulary.txt}, none in the config.
     */
    public static void writeAdapted(ModelSpec spec, Path target) {
        try (OutputStream out = Files.newOutputStream(target)) {
            write(Keras3Assets.withoutVocabulary(spec), Keras3Assets.adaptedVocabularies(spec), out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /** Writes the archive to {@code out}, which the caller closes. */
    public static void write(ModelSpec spec, OutputStream out) {
        write(spec, Map.of(), out);
    }

    private static void write(ModelSpec spec, Map<String, byte[]> assets, OutputStream out) {
        byte[] weights = weightsFile(spec);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("keras_version", ModelSpec.kerasMajor(spec.kerasVersion()) >= 3 ? spec.kerasVersion() : "3");
        try {
            ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
            put(zip, "metadata.json", KerasJson.write(metadata).getBytes(StandardCharsets.UTF_8));
            put(zip, "config.json", KerasJson.write(Keras3ConfigWriter.modelConfig(spec))
                    .getBytes(StandardCharsets.UTF_8));
            put(zip, "model.weights.h5", weights);
            for (Map.Entry<String, byte[]> asset : assets.entrySet()) {
                put(zip, asset.getKey(), asset.getValue());
            }
            zip.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the .keras archive of " + spec.name(), e);
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTime(FIXED_ENTRY_TIME);
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }

    private static byte[] weightsFile(ModelSpec spec) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("sparkscore-", ".weights.h5");
            try (WritableHdfFile h5 = HdfFile.write(tmp)) {
                WritableGroup layers = h5.putGroup("layers");
                Map<String, Integer> used = new HashMap<>();
                for (LayerSpec l : spec.layers()) {
                    String path = Keras3Weights.uniqueName(KerasNaming.toSnakeCase(l.className()), used);
                    // jhdf 0.10 drops an empty group written after a dataset, so weightless layers get no group;
                    // Keras 3 loads a missing vars group as "no variables".
                    if (l.paramCount() > 0) {
                        writeLayer(layers.putGroup(path), l);
                    }
                }
            }
            return Files.readAllBytes(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the weights of " + spec.name(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    private static void writeLayer(WritableGroup group, LayerSpec l) {
        switch (l.className()) {
            case "Bidirectional" -> {
                writeLayer(group.putGroup("forward_layer"), l.child(0));
                writeLayer(group.putGroup("backward_layer"), l.child(1));
            }
            case "TimeDistributed" -> writeLayer(group.putGroup("layer"), l.child(0));
            case "MultiHeadAttention" -> {
                for (String sublayer : MultiHeadAttentionOptions.SUBLAYERS) {
                    WritableGroup vars = group.putGroup(MultiHeadAttentionOptions.keras3Attribute(sublayer))
                            .putGroup("vars");
                    vars.putAttribute("name", sublayer);
                    int i = 0;
                    for (String name : LayerRegistry.weightNames(l.className(), l.config().asMap())) {
                        if (name.startsWith(sublayer + "/")) {
                            vars.putDataset(Integer.toString(i++), nested(l.weight(name)));
                        }
                    }
                }
            }
            default -> {
                List<String> order = LayerRegistry.weightNames(l.className(), l.config().asMap());
                if (!order.containsAll(l.weights().keySet()) || order.size() != l.weights().size()) {
                    throw new ModelException("layer '" + l.name() + "' (" + l.className() + ") has the weights "
                            + l.weights().keySet() + " but a Keras 3 " + l.className() + " with this config stores "
                            + order + "; the spec cannot be written as a .keras file");
                }
                if (order.isEmpty()) {
                    return;
                }
                WritableGroup vars = LayerRegistry.isRecurrent(l.className())
                        ? group.putGroup("cell").putGroup("vars") : group.putGroup("vars");
                vars.putAttribute("name", l.name());
                for (int i = 0; i < order.size(); i++) {
                    // the lookups' save_own_variables stores its one variable by name
                    String key = l.className().endsWith("Lookup") ? order.get(i) : Integer.toString(i);
                    vars.putDataset(key, nested(l.weight(order.get(i))));
                }
            }
        }
    }

    /** jhdf writes n-d datasets from nested Java arrays, scalars from a boxed value. */
    private static Object nested(Tensor t) {
        int[] shape = t.shape();
        if (shape.length == 0) {
            return t.data()[0];
        }
        if (shape.length == 1) {
            return t.data().clone();
        }
        Object array = Array.newInstance(float.class, shape);
        fill(array, shape, 0, t.data(), new int[] {0});
        return array;
    }

    private static void fill(Object array, int[] shape, int axis, float[] data, int[] cursor) {
        if (axis == shape.length - 1) {
            float[] row = (float[]) array;
            System.arraycopy(data, cursor[0], row, 0, row.length);
            cursor[0] += row.length;
            return;
        }
        for (int i = 0; i < shape[axis]; i++) {
            fill(Array.get(array, i), shape, axis + 1, data, cursor);
        }
    }
}
