package io.sparkscore.model.keras;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.UnsupportedLayerException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the attention layers' calls read in both spellings: tf.keras 2 writes {@code mha(q, v, use_causal_mask=True)}
 * as {@code [["q", 0, 0, {"value": ["v", 0, 0], "use_causal_mask": true}]]} and {@code Attention([q, v])} as one
 * entry per tensor, each carrying the call's kwargs; Keras 3 as {@code {"args": [q, v], "kwargs": {...}}}, with the
 * masks it fills in itself as nulls. Weights: tf.keras 2 scopes MultiHeadAttention's by sublayer
 * ({@code mha/query/kernel:0}); Keras 3 keeps them under the sublayer attributes ({@code _query_dense/vars} in early
 * 3.x releases, {@code query_dense/vars} later).
 */
class AttentionCallReadingTest {

    private static final Configuration CONF = new Configuration();
    private static final String[] SUBLAYERS = {"query", "key", "value", "attention_output"};

    @TempDir
    Path tmp;

    private static String mhaConfig() {
        return "\"num_heads\": 2, \"key_dim\": 3, \"value_dim\": 3, \"dropout\": 0.0, \"use_bias\": true,"
                + " \"output_shape\": null, \"attention_axes\": null";
    }

    private static void mhaArrays(WritableGroup scope, String sublayer, String suffix) {
        boolean out = sublayer.equals("attention_output");
        scope.putDataset("kernel" + suffix, out ? new float[2][3][4] : new float[4][2][3]);
        scope.putDataset("bias" + suffix, out ? new float[4] : new float[2][3]);
    }

    @Test
    void tfKeras2MultiHeadAttentionTakesValueByKeywordAndKeepsTheCausalFlag() throws IOException {
        Path json = Files.writeString(tmp.resolve("mha.json"), """
                {"class_name": "Functional", "config": {"name": "model", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 3, 4], "name": "q"},
                   "name": "q", "inbound_nodes": []},
                  {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 5, 4], "name": "v"},
                   "name": "v", "inbound_nodes": []},
                  {"class_name": "MultiHeadAttention", "config": {"name": "mha", %s}, "name": "mha",
                   "inbound_nodes": [[["q", 0, 0, {"value": ["v", 0, 0], "use_causal_mask": true}]]]}],
                 "input_layers": [["q", 0, 0], ["v", 0, 0]], "output_layers": [["mha", 0, 0]]}}
                """.formatted(mhaConfig()));
        Path weights = tmp.resolve("mha.h5");
        try (WritableHdfFile h5 = HdfFile.write(weights)) {
            h5.putAttribute("layer_names", new String[] {"q", "v", "mha"});
            WritableGroup mha = h5.putGroup("mha");
            String[] names = new String[8];
            for (int i = 0; i < 4; i++) {
                names[2 * i] = "mha/" + SUBLAYERS[i] + "/kernel";
                names[2 * i + 1] = "mha/" + SUBLAYERS[i] + "/bias";
            }
            mha.putAttribute("weight_names", names);
            WritableGroup inner = mha.putGroup("mha");
            for (String s : SUBLAYERS) {
                mhaArrays(inner.putGroup(s), s, "");
            }
        }

        ModelSpec spec = KerasModelReader.readWeightsAndArchitecture(weights.toString(), json.toString(), CONF);

        assertThat(spec.nodes()).containsExactly(new NodeSpec("mha", "mha", List.of("q", "v"),
                Map.of("use_causal_mask", true)));
        assertThat(spec.layer("mha").weight("attention_output/kernel").shape()).containsExactly(2, 3, 4);
        assertThat(spec.layer("mha").weight("key/bias").shape()).containsExactly(2, 3);
    }

    private static String tensor(String layer) {
        return "{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": [null, 3, 4], \"dtype\": \"float32\","
                + " \"keras_history\": [\"" + layer + "\", 0, 0]}}";
    }

    private static String keras3Mha(String call) {
        return """
                {"module": "keras.src.models.functional", "class_name": "Functional", "registered_name": "Functional",
                 "config": {"name": "model", "trainable": true, "layers": [
                  {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null, "name": "q",
                   "config": {"batch_shape": [null, 3, 4], "dtype": "float32", "name": "q"}, "inbound_nodes": []},
                  {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null, "name": "v",
                   "config": {"batch_shape": [null, 5, 4], "dtype": "float32", "name": "v"}, "inbound_nodes": []},
                  {"module": "keras.layers", "class_name": "MultiHeadAttention", "registered_name": null,
                   "name": "mha", "config": {"name": "mha", %s}, "inbound_nodes": [%s]}],
                 "input_layers": [["q", 0, 0], ["v", 0, 0]], "output_layers": [["mha", 0, 0]]}}
                """.formatted(mhaConfig(), call);
    }

    /** A Keras 3 archive whose weights sit under the early 3.x attribute names ({@code _query_dense}). */
    private Path keras3Archive(String call) throws IOException {
        Path weights = tmp.resolve("model.weights.h5");
        Files.deleteIfExists(weights);
        try (WritableHdfFile h5 = HdfFile.write(weights)) {
            WritableGroup mha = h5.putGroup("layers").putGroup("multi_head_attention");
            for (String s : SUBLAYERS) {
                String attribute = s.equals("attention_output") ? "_output_dense" : "_" + s + "_dense";
                WritableGroup vars = mha.putGroup(attribute).putGroup("vars");
                boolean out = s.equals("attention_output");
                vars.putDataset("0", out ? new float[2][3][4] : new float[4][2][3]);
                vars.putDataset("1", out ? new float[4] : new float[2][3]);
            }
        }
        Path archive = tmp.resolve("mha.keras");
        try (OutputStream os = Files.newOutputStream(archive); ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry("metadata.json"));
            zip.write("{\"keras_version\": \"3.3.3\"}".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("config.json"));
            zip.write(keras3Mha(call).getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("model.weights.h5"));
            zip.write(Files.readAllBytes(weights));
            zip.closeEntry();
        }
        return archive;
    }

    @Test
    void keras3MultiHeadAttentionReadsItsArgumentsAndTheNullMasksKerasFillsIn() throws IOException {
        Path archive = keras3Archive("{\"args\": [" + tensor("q") + "], \"kwargs\": {\"value\": " + tensor("v")
                + ", \"query_mask\": null, \"value_mask\": null, \"use_causal_mask\": false}}");

        ModelSpec spec = KerasModelReader.read(archive.toString(), CONF);

        assertThat(spec.nodes()).containsExactly(new NodeSpec("mha", "mha", List.of("q", "v"),
                Map.of("use_causal_mask", false)));
        assertThat(spec.layer("mha").weights()).hasSize(8);
    }

    @Test
    void returnAttentionScoresIsRefusedNamingTheArgument() throws IOException {
        Path archive = keras3Archive("{\"args\": [" + tensor("q") + ", " + tensor("v") + "], \"kwargs\":"
                + " {\"return_attention_scores\": true}}");

        assertThatThrownBy(() -> KerasModelReader.read(archive.toString(), CONF))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessageStartingWith("layer 'mha' (MultiHeadAttention): is called with return_attention_scores="
                        + "True: return_attention_scores=True makes the layer return two tensors");
    }

    @Test
    void anExplicitMaskTensorIsRefused() throws IOException {
        Path archive = keras3Archive("{\"args\": [" + tensor("q") + ", " + tensor("v") + "], \"kwargs\":"
                + " {\"attention_mask\": " + tensor("q") + "}}");

        assertThatThrownBy(() -> KerasModelReader.read(archive.toString(), CONF))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessageContaining("is called with an explicit mask attention_mask=");
    }

    @Test
    void tfKeras2AttentionListCarriesTheCallKwargsOnEachEntry() throws IOException {
        Path json = Files.writeString(tmp.resolve("att.json"), """
                {"class_name": "Functional", "config": {"name": "model", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 3, 4], "name": "q"},
                   "name": "q", "inbound_nodes": []},
                  {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 5, 4], "name": "v"},
                   "name": "v", "inbound_nodes": []},
                  {"class_name": "Attention", "config": {"name": "att", "use_scale": false, "score_mode": "dot",
                   "dropout": 0.1}, "name": "att", "inbound_nodes": [[["q", 0, 0, {"use_causal_mask": true}],
                   ["v", 0, 0, {"use_causal_mask": true}]]]}],
                 "input_layers": [["q", 0, 0], ["v", 0, 0]], "output_layers": [["att", 0, 0]]}}
                """);
        Path weights = tmp.resolve("att.h5");
        try (WritableHdfFile h5 = HdfFile.write(weights)) {
            h5.putAttribute("layer_names", new String[] {"q", "v", "att"});
            h5.putGroup("att").putAttribute("backend", "tensorflow");
        }

        ModelSpec spec = KerasModelReader.readWeightsAndArchitecture(weights.toString(), json.toString(), CONF);

        assertThat(spec.nodes()).containsExactly(new NodeSpec("att", "att", List.of("q", "v"),
                Map.of("use_causal_mask", true)));
    }
}
