package io.sparkscore.model.keras;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.categorical.Vocabulary;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The vocabularies of adapted StringLookup and IntegerLookup layers in a Keras 3 archive. Keras' {@code save_assets}
 * writes a layer whose config has no vocabulary (it was adapted, not given one) as
 * {@code assets/<layer path>/vocabulary.txt}: {@code get_vocabulary(include_special_tokens=True)} joined by
 * newlines, the layer path named as in {@code model.weights.h5}; {@code load_assets} reads it back with Python's
 * {@code splitlines()} and drops trailing empty lines. Reading puts the lines into the layer's config as its
 * {@code vocabulary}, whose leading special tokens {@link Vocabulary} then strips as Keras does.
 */
final class Keras3Assets {

    static final String PREFIX = "assets/";
    static final String FILE = "/vocabulary.txt";
    private static final Set<String> LOOKUPS = Set.of("StringLookup", "IntegerLookup");

    private Keras3Assets() {
    }

    /** The layer path of an archive entry holding a vocabulary, or null for any other entry. */
    static String layerPath(String entryName) {
        return entryName.startsWith(PREFIX) && entryName.endsWith(FILE)
                ? entryName.substring(PREFIX.length(), entryName.length() - FILE.length()) : null;
    }

    /** Gives each lookup layer without a configured vocabulary the one its assets hold. */
    static void attach(ConfigModel model, Map<String, String> vocabularies, String file) {
        attach(model, "", vocabularies, file);
    }

    private static void attach(ConfigModel model, String prefix, Map<String, String> vocabularies, String file) {
        Map<String, Integer> used = new HashMap<>();
        for (ConfigLayer layer : model.layers()) {
            if (layer.isInput()) {
                continue;
            }
            String path = prefix + "layers/" + Keras3Weights.uniqueName(KerasNaming.toSnakeCase(layer.className),
                    used);
            if (layer.nested != null) {
                attach(layer.nested, path + "/", vocabularies, file);
            } else if (LOOKUPS.contains(layer.className) && layer.config.get("vocabulary") == null
                    && vocabularies.containsKey(path)) {
                layer.config.put("vocabulary", tokens(layer, vocabularies.get(path), file, path));
            }
        }
    }

    private static List<Object> tokens(ConfigLayer layer, String text, String file, String path) {
        List<String> lines = splitLines(text);
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        List<Object> r = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (layer.className.equals("StringLookup")) {
                r.add(line);
                continue;
            }
            try {
                r.add(Long.parseLong(line.strip()));
            } catch (NumberFormatException e) {
                throw new ModelFormatException(file, "assets '" + path + FILE + "' of IntegerLookup '" + layer.name
                        + "' holds '" + line + "', not an integer; the archive is corrupt or not written by Keras");
            }
        }
        return r;
    }

    /** Python's {@code str.splitlines()}: \n, \r, \r\n and the other Unicode line boundaries end a line. */
    static List<String> splitLines(String s) {
        List<String> r = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d || c == 0x1e
                    || c == 0x85 || c == 0x2028 || c == 0x2029) {
                r.add(s.substring(start, i));
                i += c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n' ? 2 : 1;
                start = i;
            } else {
                i++;
            }
        }
        if (start < s.length()) {
            r.add(s.substring(start));
        }
        return r;
    }

    /**
     * The archive entries of a spec's lookup layers written as Keras saves adapted ones: the vocabulary with its
     * special tokens in assets, and the config without it ({@link #withoutVocabulary}).
     */
    static Map<String, byte[]> adaptedVocabularies(ModelSpec spec) {
        Map<String, byte[]> r = new LinkedHashMap<>();
        Map<String, Integer> used = new HashMap<>();
        for (LayerSpec l : spec.layers()) {
            String path = "layers/" + Keras3Weights.uniqueName(KerasNaming.toSnakeCase(l.className()), used);
            if (LOOKUPS.contains(l.className())) {
                Vocabulary v = Vocabulary.of(l);
                List<String> lines = new ArrayList<>();
                for (int i = 0; i < v.oovStart(); i++) {
                    lines.add(String.valueOf(v.mask()));
                }
                Object oov = l.config().raw("oov_token");
                for (int i = 0; i < v.numOov(); i++) {
                    lines.add(String.valueOf(oov));
                }
                v.tokens().forEach(t -> lines.add(String.valueOf(t)));
                r.put(PREFIX + path + FILE, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
            }
        }
        return r;
    }

    /** The spec with its lookups' vocabularies left out of their configs, as adapted layers' configs have them. */
    static ModelSpec withoutVocabulary(ModelSpec spec) {
        List<LayerSpec> layers = new ArrayList<>();
        for (LayerSpec l : spec.layers()) {
            layers.add(LOOKUPS.contains(l.className()) ? new LayerSpec(l.name(), l.className(),
                    l.config().with("vocabulary", null), l.weights(), l.children()) : l);
        }
        return new ModelSpec(spec.name(), spec.sourceFormat(), spec.kerasVersion(), spec.inputs(), layers,
                spec.nodes(), spec.outputs(), spec.artifacts());
    }
}
