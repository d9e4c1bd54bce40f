package io.sparkscore.model.keras;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.runtime.KerasPreprocessing;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The graph {@code keras.utils.FeatureSpace.get_encoded_features()} builds, saved inside a model: a lookup in int
 * mode followed by {@code CategoryEncoding(multi_hot)} for a one-hot feature, plain floats through FeatureSpace's
 * {@code TFDIdentity}, everything joined by its {@code TFDConcat(axis=-1)} (classes of
 * {@code keras.src.layers.preprocessing.feature_space}). They read as Identity and Concatenate.
 */
class FeatureSpaceModelTest {

    @TempDir
    Path tmp;

    @Test
    void featureSpacesOwnIdentityAndConcatReadAsTheirKerasEquivalents() throws Exception {
        LayerSpec lookup = KerasPreprocessing.stringLookup("string_lookup", List.of("a", "b"), 1, null, "int");
        LayerSpec encode = KerasPreprocessing.categoryEncoding("category_encoding", 3, "multi_hot");
        LayerSpec identity = new LayerSpec("identity", "Identity", new LayerConfig("identity", "Identity",
                Map.of("trainable", true, "dtype", "float32")), Map.of());
        Map<String, Object> concatConfig = new LinkedHashMap<>(Map.of("trainable", true, "dtype", "float32"));
        concatConfig.put("axis", -1);
        LayerSpec concat = new LayerSpec("concatenate", "Concatenate", new LayerConfig("concatenate", "Concatenate",
                concatConfig), Map.of());
        ModelSpec spec = new ModelSpec("fs", "programmatic", "3.6.0", List.of(new InputSpec("s", new int[] {1},
                "string"), new InputSpec("f", new int[] {1}, "float32")), List.of(lookup, encode, identity, concat),
                List.of(new NodeSpec("string_lookup", "string_lookup", List.of("s")),
                        new NodeSpec("category_encoding", "category_encoding", List.of("string_lookup")),
                        new NodeSpec("identity", "identity", List.of("f")),
                        new NodeSpec("concatenate", "concatenate", List.of("category_encoding", "identity"))),
                List.of("concatenate"));
        Map<String, byte[]> entries = HostileArchives.entriesOf(spec);
        String config = new String(entries.get("config.json"), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"class_name\":\"Identity\"", "\"class_name\":\"TFDIdentity\"")
                .replace("\"class_name\":\"Concatenate\"", "\"class_name\":\"TFDConcat\"");
        assertThat(config).contains("TFDIdentity").contains("TFDConcat");
        entries.put("config.json", config.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Path file = HostileArchives.zip(tmp.resolve("fs.keras"), entries, true);

        ModelSpec read = KerasModelReader.read(file.toString(), new Configuration());
        assertThat(read.layer("identity").className()).isEqualTo("Identity");
        assertThat(read.layer("concatenate").className()).isEqualTo("Concatenate");
        assertThat(io.sparkscore.runtime.ModelSignature.of(read).outputShapes().get(0)).containsExactly(4);
    }
}
