package io.sparkscore.model.keras;

import io.jhdf.HdfFile;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.ModelSpec;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;

/**
 * Reads a Keras 3 {@code .keras} archive by streaming it once through {@link GuardedZip} (entry count, sizes and
 * compression ratio checked as the bytes come): {@code config.json}, {@code metadata.json} and
 * {@code model.weights.h5}, whose HDF5 signature is checked from its first bytes and which is kept in memory or, when
 * large, in a temporary file ({@link SpooledHdf5}).
 */
final class KerasArchiveReader {

    static final String FORMAT = "keras-v3";
    private static final String WEIGHTS_ENTRY = "model.weights.h5";
    private static final String WEIGHTS_IN_ARCHIVE = WEIGHTS_ENTRY + " of a .keras archive";

    private KerasArchiveReader() {
    }

    static ModelSpec read(InputStream in, String file) {
        try (GuardedZip zip = new GuardedZip(in, file);
             SpooledHdf5 weights = new SpooledHdf5(file, WEIGHTS_IN_ARCHIVE)) {
            Entries entries = readEntries(zip, weights, file);
            String kerasVersion = "3";
            if (entries.metadata != null) {
                Object v = KerasJson.parseObject(entries.metadata, file, "metadata.json").get("keras_version");
                if (v instanceof String s) {
                    kerasVersion = s;
                }
            }
            Map<String, Object> modelConfig = KerasJson.parseObject(entries.config, file, "config.json");
            try (HdfFile h5 = LegacyH5Reader.openHdf5(weights, file, WEIGHTS_IN_ARCHIVE)) {
                return build(modelConfig, h5, kerasVersion, file, FORMAT, ModelFiles.baseName(file),
                        entries.vocabularies);
            } catch (ModelException e) {
                throw e;
            } catch (RuntimeException e) {
                throw LegacyH5Reader.corrupt(file, WEIGHTS_IN_ARCHIVE, e);
            }
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** The JSON entries of an archive whose weights went to {@code weights}; config and weights are required. */
    private record Entries(String config, String metadata, Map<String, String> vocabularies) {
    }

    private static Entries readEntries(GuardedZip zip, SpooledHdf5 weights, String file) {
        String config = null;
        String metadata = null;
        boolean hasWeights = false;
        Map<String, String> vocabularies = new java.util.HashMap<>();
        long vocabularyBytes = 0;
        List<String> names = new ArrayList<>();
        try {
            ZipEntry e;
            while ((e = zip.next()) != null) {
                names.add(e.getName());
                switch (e.getName()) {
                    case "config.json" -> config = zip.text(ReadLimits.MAX_JSON_BYTES);
                    case "metadata.json" -> metadata = zip.text(ReadLimits.MAX_JSON_BYTES);
                    case WEIGHTS_ENTRY -> {
                        zip.copyTo(weights, Long.MAX_VALUE); // bounded by the compression ratio and the file
                        hasWeights = true;
                    }
                    default -> {
                        String lookup = Keras3Assets.layerPath(e.getName());
                        if (lookup == null) {
                            // other assets and entries carry nothing a forward pass needs
                            zip.skip();
                            continue;
                        }
                        String text = zip.text(ReadLimits.MAX_VOCABULARY_BYTES - vocabularyBytes);
                        vocabularyBytes += text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                        vocabularies.put(lookup, text);
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFormatException(file, "is a truncated or corrupt .keras zip archive (" + e.getMessage()
                    + " after entries " + names + "); expected config.json, metadata.json and " + WEIGHTS_ENTRY, e);
        }
        if (config == null || !hasWeights) {
            String missing = config == null ? "config.json" : WEIGHTS_ENTRY;
            String hint = names.contains("model.weights.json")
                    ? "; sharded weights (model.weights.json) are not supported, save the model unsharded"
                    : "; the archive may be truncated or is not a Keras 3 model";
            throw new ModelFormatException(file, "is a zip archive without " + missing + " (entries found: "
                    + names + ")" + hint);
        }
        return new Entries(config, metadata, vocabularies);
    }

    /** Parses the config, attaches Keras 3 weights and assembles the spec (see {@link LegacyH5Reader#build}). */
    static ModelSpec build(Map<String, Object> modelConfig, HdfFile weights, String kerasVersion, String file,
                           String format, String fallbackName) {
        return build(modelConfig, weights, kerasVersion, file, format, fallbackName, Map.of());
    }

    /** As above, with the adapted lookup layers' vocabularies from the archive's assets, by layer path. */
    static ModelSpec build(Map<String, Object> modelConfig, HdfFile weights, String kerasVersion, String file,
                           String format, String fallbackName, Map<String, String> vocabularies) {
        KerasConfigParser parser = new KerasConfigParser(file, ModelSpec.kerasMajor(kerasVersion));
        ConfigModel model = parser.parseModel(modelConfig);
        new Keras3Weights(weights, file).attach(model);
        Keras3Assets.attach(model, vocabularies, file);
        String name = model.name() != null ? model.name() : fallbackName;
        return new SpecAssembler(file, parser).assemble(model, name, format, kerasVersion);
    }
}
