package io.sparkscore.runtime;

import io.sparkscore.ml.InputBinding;
import io.sparkscore.job.JobOptions;
import io.sparkscore.job.LocalSpark;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.keras.KerasArchiveWriter;
import io.sparkscore.model.layers.LayerEntry;
import io.sparkscore.model.layers.LayerRegistry;
import io.sparkscore.runtime.jvm.JvmSupport;
import io.sparkscore.runtime.tf.TfSupport;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.rand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Walks the layer registry: every entry has a shape rule and a sample, {@code inspect}'s per-path verdict on each
 * sample is what the path's builder table claims, each path scores one model holding every layer it claims through
 * {@link ScoringJob} (one small Spark job per path), and the jvm path's refusal at {@code score} is the reason
 * {@code inspect} gives.
 */
class EveryRegisteredLayerScoresTest {

    private static final int ROWS = 40;

    @TempDir
    static Path dir;
    static SparkSession spark;
    static String data;

    @BeforeAll
    static void writeRows() {
        spark = LocalSpark.get();
        Column[] x = new Column[RegisteredLayerSamples.FEATURES];
        for (int i = 0; i < x.length; i++) {
            x[i] = rand(i).multiply(2).minus(1);
        }
        Column[] ids = new Column[RegisteredLayerSamples.IDS];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = floor(rand(100 + i).multiply(RegisteredLayerSamples.VOCABULARY));
        }
        data = dir.resolve("rows").toString();
        spark.range(ROWS).select(col("id"), array(x).cast("array<float>").as("x"),
                array(ids).cast("array<float>").as("ids"),
                element_at(array(lit("red"), lit("blue"), lit("mauve")), floor(rand(200).multiply(3)).cast("int")
                        .plus(1)).as("word"), floor(rand(201).multiply(5)).as("code")).write().parquet(data);
    }

    /** One model whose branches are the samples of the given entries, each branch an output. */
    private static ModelSpec modelOf(String name, List<LayerEntry> entries) {
        RandomNet net = new RandomNet(name, 7);
        String x = net.input("x", RegisteredLayerSamples.FEATURES);
        String ids = net.input("ids", RegisteredLayerSamples.IDS);
        List<String> outputs = new ArrayList<>();
        for (LayerEntry e : entries) {
            outputs.add(RegisteredLayerSamples.SAMPLES.get(e.className()).apply(net, x, ids));
        }
        return net.build(outputs.toArray(new String[0]));
    }

    private static List<LayerEntry> entries(Predicate<LayerEntry> which) {
        return LayerRegistry.entries().stream().filter(which).toList();
    }

    private static boolean claims(PredictionPath path, LayerEntry e) {
        return path == PredictionPath.TF ? TfSupport.builds(e) : JvmSupport.builds(e);
    }

    /** The job binds x and ids, and the lookup samples' own inputs to the string or the integer column. */
    private static JobOptions.Builder job(ModelSpec spec, Path model, String output, PredictionPath path) {
        List<InputBinding> bindings = new ArrayList<>(List.of(InputBinding.array("x", "x"),
                InputBinding.array("ids", "ids")));
        spec.inputs().stream().skip(2).forEach(in -> bindings.add(InputBinding.scalars(in.name(),
                List.of(in.dtype().equals("string") ? "word" : "code"))));
        return JobOptions.builder().setModel(model.toString()).setInput(data).setBindings(bindings)
                .optOutput(output).optKeep(List.of("id"))
                .optBatchSize(Optional.of(16)).optPath(Optional.of(path));
    }

    @Test
    void everyRegistryEntryHasASample() {
        assertThat(RegisteredLayerSamples.SAMPLES.keySet())
                .containsExactlyInAnyOrderElementsOf(entries(e -> true).stream().map(LayerEntry::className).toList());
    }

    @Test
    void inspectSaysOfEachSampleWhatThePathsBuilderTablesClaim() {
        for (LayerEntry e : LayerRegistry.entries()) {
            ModelSpec sample = modelOf(e.className(), List.of(e));
            assertThat(ModelSignature.of(sample).outputCount()).as("shape rule of %s", e).isEqualTo(1);
            Map<PredictionPath, String> refused = PredictionPaths.unsupportedPaths(sample);
            for (PredictionPath path : PredictionPath.values()) {
                assertThat(refused.containsKey(path)).as("%s on %s: %s", e, path, refused.get(path))
                        .isEqualTo(!claims(path, e));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void eachPathScoresOneModelHoldingEveryLayerItClaims(PredictionPath path) {
        List<LayerEntry> claimed = entries(e -> claims(path, e));
        ModelSpec spec = modelOf("every_" + path.id(), claimed);
        Path model = dir.resolve("every-" + path.id() + ".keras");
        KerasArchiveWriter.write(spec, model);
        String out = dir.resolve("scored-" + path.id()).toString();

        ScoringJob.Result result = new ScoringJob(spark, job(spec, model, out, path).build()).run();

        assertThat(result.summary().rows().scored()).isEqualTo(ROWS);
        List<Row> rows = spark.read().parquet(out).collectAsList();
        assertThat(rows).hasSize(ROWS);
        assertThat(rows.get(0).size()).as("id and one column per layer").isEqualTo(1 + claimed.size());
        for (Row r : rows) {
            for (int c = 1; c < r.size(); c++) {
                assertThat(r.isNullAt(c)).as("row %s column %s", r.get(0), r.schema().fields()[c].name()).isFalse();
            }
        }
    }

    /**
     * The classes the jvm path refuses (if any) and, so that the check never runs empty, an option it refuses on a
     * class it builds: a Dense with a half-precision dtype policy.
     */
    @Test
    void scoreOnJvmRefusesWhatInspectRefusesWithTheSameReason() {
        RandomNet net = new RandomNet("refused_on_jvm", 7);
        String x = net.input("x", RegisteredLayerSamples.FEATURES);
        String ids = net.input("ids", RegisteredLayerSamples.IDS);
        List<String> outputs = new ArrayList<>();
        for (LayerEntry e : entries(e -> !JvmSupport.builds(e))) {
            outputs.add(RegisteredLayerSamples.SAMPLES.get(e.className()).apply(net, x, ids));
        }
        LayerSpec dense = net.layers().dense(RegisteredLayerSamples.FEATURES, 2, "linear");
        outputs.add(net.call(new LayerSpec(dense.name(), dense.className(), dense.config().with("dtype",
                "mixed_float16"), dense.weights()), x));
        ModelSpec spec = net.build(outputs.toArray(new String[0]));
        Path model = dir.resolve("refused.keras");
        KerasArchiveWriter.write(spec, model);
        String why = PredictionPaths.unsupportedPaths(spec).get(PredictionPath.JVM);
        assertThat(why).isNotNull();

        assertThatThrownBy(() -> new ScoringJob(spark, job(spec, model, dir.resolve("refused-out").toString(),
                PredictionPath.JVM).build()).run())
                .hasMessageContaining(why.substring(why.indexOf("): ") + 3));
    }
}
