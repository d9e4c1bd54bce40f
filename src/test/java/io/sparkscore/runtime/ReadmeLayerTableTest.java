package io.sparkscore.runtime;

import io.sparkscore.model.layers.LayerEntry;
import io.sparkscore.model.layers.LayerFamily;
import io.sparkscore.model.layers.LayerRegistry;
import io.sparkscore.runtime.jvm.JvmSupport;
import io.sparkscore.runtime.tf.TfSupport;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's layer table is the registry's: one row per family and per-path support, generated here. When they
 * differ the failure message holds the table to paste between the markers.
 */
class ReadmeLayerTableTest {

    static final String BEGIN =
            "<!-- layer table: generated from the layer registry, checked by ReadmeLayerTableTest -->";
    static final String END = "<!-- end of layer table -->";

    /** The table: families in registry order, within a family one row per combination of path support. */
    static String table() {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (LayerEntry e : LayerRegistry.entries()) {
            String key = e.family().ordinal() + "|" + mark(TfSupport.builds(e)) + "|" + mark(JvmSupport.builds(e));
            rows.computeIfAbsent(key, k -> new ArrayList<>()).add(e.className());
        }
        StringBuilder b = new StringBuilder("| family | layers | `tf` | `jvm` |\n|---|---|---|---|\n");
        rows.forEach((key, classes) -> {
            String[] parts = key.split("\\|");
            b.append("| ").append(LayerFamily.values()[Integer.parseInt(parts[0])].title()).append(" | ")
                    .append(String.join(", ", classes)).append(" | ").append(parts[1]).append(" | ")
                    .append(parts[2]).append(" |\n");
        });
        return b.toString();
    }

    private static String mark(boolean builds) {
        return builds ? "✓" : "–";
    }

    @Test
    void readmeLayerTableIsTheRegistrysTable() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertThat(begin).as("README marker %s", BEGIN).isNotNegative();
        assertThat(end).as("README marker %s", END).isGreaterThan(begin);
        String inReadme = readme.substring(begin + BEGIN.length(), end).strip() + "\n";
        assertThat(inReadme).as("README layer table; replace it with:%n%s", table()).isEqualTo(table());
    }
}
