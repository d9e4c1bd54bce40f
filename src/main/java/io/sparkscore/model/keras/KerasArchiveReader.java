package io.sparkscore.model.keras;

import io.jhdf.HdfFile;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.ModelSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads a Keras 3 {@code .keras} archive by streaming it once (no temporary file): {@code config.json},
 * {@code metadata.json} and {@code model.weights.h5}, which is opened in memory.
 */
final class KerasArchiveReader {

    static final String FORMAT = "keras-v3";

    private KerasArchiveReader() {
    }

    static ModelSpec read(InputStream in, String file) {
        String config = null;
        String metadata = null;
        byte[] weights = null;
        List<String> entries = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(in, StandardCharsets.UTF_8)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                entries.add(e.getName());
                switch (e.getName()) {
                    case "config.json" -> config = new String(zip.readAllBytes(), StandardCharsets.UTF_8);
                    case "metadata.json" -> metadata = new String(zip.readAllBytes(), StandardCharsets.UTF_8);
                    case "model.weights.h5" -> weights = zip.readAllBytes();
                    default -> {
                        // assets and other entries carry nothing a forward pass needs
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFormatException(file, "is a truncated or corrupt .keras zip archive (" + e.getMessage()
                    + " after entries " + entries + "); expected config.json, metadata.json and model.weights.h5",
                    e);
        }
        if (config == null || weights == null) {
            String missing = config == null ? "config.json" : "model.weights.h5";
            String hint = entries.contains("model.weights.json")
                    ? "; sharded weights (model.weights.json) are not supported, save the model unsharded"
                    : "; the archive may be truncated or is not a Keras 3 model";
            throw new ModelFormatException(file, "is a zip archive without " + missing + " (entries found: "
                    + entries + ")" + hint);
        }
        String kerasVersion = "3";
        if (metadata != null) {
            Object v = KerasJson.parseObject(metadata, file, "metadata.json").get("keras_version");
            if (v instanceof String s) {
                kerasVersion = s;
            }
        }
        Map<String, Object> modelConfig = KerasJson.parseObject(config, file, "config.json");
        HdfFile h5 = LegacyH5Reader.openHdf5(weights, file, "model.weights.h5 of a .keras archive");
        try (h5) {
            return build(modelConfig, h5, kerasVersion, file, FORMAT, ModelFiles.baseName(file));
        } catch (ModelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw LegacyH5Reader.corrupt(file, "model.weights.h5 of a .keras archive", e);
        }
    }

    /** Parses the config, attaches Keras 3 weights and assembles the spec (see {@link LegacyH5Reader#build}). */
    static ModelSpec build(Map<String, Object> modelConfig, HdfFile weights, String kerasVersion, String file,
                           String format, String fallbackName) {
        KerasConfigParser parser = new KerasConfigParser(file, ModelSpec.kerasMajor(kerasVersion));
        ConfigModel model = parser.parseModel(modelConfig);
        new Keras3Weights(weights, file).attach(model);
        String name = model.name() != null ? model.name() : fallbackName;
        return new SpecAssembler(file, parser).assemble(model, name, format, kerasVersion);
    }
}
