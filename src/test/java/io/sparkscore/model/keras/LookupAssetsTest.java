package io.sparkscore.model.keras;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.categorical.InputEncodings;
import io.sparkscore.runtime.KerasPreprocessing;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Adapted lookups in a Keras 3 archive: the vocabulary travels in {@code assets/<layer path>/vocabulary.txt} with its
 * special tokens first and no vocabulary in the config, as Keras' {@code save_assets} writes it; reading gives the
 * layer that vocabulary and the same indices as the layer it was written from.
 */
class LookupAssetsTest {

    @TempDir
    Path tmp;

    private static ModelSpec twoLookups() {
        LayerSpec words = KerasPreprocessing.stringLookup("string_lookup", List.of("b", "a", "ünï cödé"), 1, "",
                "int");
        LayerSpec codes = KerasPreprocessing.integerLookup("integer_lookup", List.of(7L, 3L), 1, null, "int");
        return new ModelSpec("adapted", "programmatic", "3.6.0", List.of(new InputSpec("w", new int[] {1}, "string"),
                new InputSpec("c", new int[] {1}, "int64")), List.of(words, codes),
                List.of(new NodeSpec("string_lookup", "string_lookup", List.of("w")),
                        new NodeSpec("integer_lookup", "integer_lookup", List.of("c"))),
                List.of("string_lookup", "integer_lookup"));
    }

    private static Map<String, String> entries(Path archive) throws Exception {
        Map<String, String> r = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(archive); ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                r.put(e.getName(), new String(zip.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return r;
    }

    @Test
    void adaptedVocabulariesAreWrittenAsKerasSaveAssetsWritesThemAndReadBack() throws Exception {
        Path archive = tmp.resolve("adapted.keras");
        KerasArchiveWriter.writeAdapted(twoLookups(), archive);

        Map<String, String> entries = entries(archive);
        // mask (int mode), then the OOV token, then the tokens; IntegerLookup's OOV token is -1
        assertThat(entries).containsEntry("assets/layers/string_lookup/vocabulary.txt", "\n[UNK]\nb\na\nünï cödé")
                .containsEntry("assets/layers/integer_lookup/vocabulary.txt", "-1\n7\n3");
        assertThat(entries.get("config.json")).contains("\"vocabulary\":null").doesNotContain("ünï");

        ModelSpec read = KerasModelReader.read(archive.toString(), new Configuration());
        assertThat(read.layer("string_lookup").config().getList("vocabulary"))
                .containsExactly("", "[UNK]", "b", "a", "ünï cödé");
        List<InputEncodings.Encoding> e = InputEncodings.of(read);
        assertThat(List.of(e.get(0).encoder().encode(""), e.get(0).encoder().encode("zzz"),
                e.get(0).encoder().encode("b"), e.get(0).encoder().encode("ünï cödé"))).containsExactly(0f, 1f, 2f,
                4f);
        assertThat(List.of(e.get(1).encoder().encode(7), e.get(1).encoder().encode(3), e.get(1).encoder().encode(5)))
                .containsExactly(1f, 2f, 0f);
    }

    @Test
    void vocabularyLinesSplitAsPythonsSplitlines() {
        assertThat(Keras3Assets.splitLines("a\r\nb\rc\nd\u2028e\u0085f\n")).containsExactly("a", "b", "c", "d", "e",
                "f");
        assertThat(Keras3Assets.splitLines("x\n\ny")).containsExactly("x", "", "y");
        assertThat(new ArrayList<>(Keras3Assets.splitLines(""))).isEmpty();
    }
}
