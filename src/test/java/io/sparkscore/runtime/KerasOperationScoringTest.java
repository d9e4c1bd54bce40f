package io.sparkscore.runtime;

import io.sparkscore.job.JobOptions;
import io.sparkscore.job.LocalSpark;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.ml.InputBinding;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.keras.KerasArchiveWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Keras 3 functional models applying raw ops to Keras tensors ({@code 1 - x}, {@code keras.ops.sum(r, axis=-1)},
 * {@code r[:, ..., 1:]}, {@code keras.ops.where(x > 0, x, 0.0)}: comparisons give 1 or 0), written in Keras 3's own spelling of operation layers by sparkscore's writer and scored by
 * {@link ScoringJob} on each path against values worked out by hand; an operation outside the whitelist is refused
 * before anything is written, naming it.
 */
class KerasOperationScoringTest {

    @TempDir
    Path dir;

    private static ModelSpec model() {
        RandomNet net = new RandomNet("keras_ops", 3);
        KerasLayers l = net.layers();
        String x = net.input("x", 6);
        String r = net.call(l.kerasOp("numpy.Reshape", "newshape", List.of(-1, 2, 3)), x);
        String sum = net.call(l.kerasOp("numpy.Sum", "axis", -1, "keepdims", false), r);
        String tail = net.callWith(Map.of("key", List.of(KerasLayers.kerasSlice(null, null, null),
                Map.of("class_name", "__ellipsis__", "config", Map.of()), KerasLayers.kerasSlice(1, null, null))),
                l.kerasOp("numpy.GetItem"), r);
        String t = net.call(l.kerasOp("numpy.Transpose", "axes", List.of(0, 2, 1)), r);
        String oneMinus = net.callWith(Map.of("x", 1.0), l.kerasOp("numpy.Subtract"), x);
        String half = net.callWith(Map.of("y", 2), l.kerasOp("numpy.TrueDivide"), x);
        String squared = net.callWith(Map.of("y", 2), l.kerasOp("numpy.Power"), x);
        String gram = net.call(l.kerasOp("numpy.Matmul"), r, t);
        String joined = net.call(l.kerasOp("numpy.Concatenate", "axis", -1), x, oneMinus);
        String expanded = net.call(l.kerasOp("numpy.ExpandDims", "axis", 1), sum);
        String squeezed = net.call(l.kerasOp("numpy.Squeeze", "axis", List.of(-2)), expanded);
        String clipped = net.call(l.kerasOp("numpy.Clip", "x_min", -0.5, "x_max", 0.5), x);
        String mean = net.call(l.kerasOp("numpy.Mean", "axis", -1, "keepdims", true), x);
        String max = net.call(l.kerasOp("numpy.Max", "axis", List.of(1, 2), "keepdims", false, "initial", null), r);
        String relu = net.call(l.kerasOp("nn.Relu"), x);
        String minimum = net.callWith(Map.of("y", 0.3), l.kerasOp("numpy.Minimum"), x);
        String softmax = net.call(l.kerasOp("nn.Softmax", "axis", -1), sum);
        String ones = net.call(l.kerasOp("numpy.Add"), x, oneMinus);
        String positive = net.callWith(Map.of("y", 0), l.kerasOp("numpy.Greater"), x);
        String kept = net.callWith(Map.of("arg2", 0.0), l.kerasOp("numpy.Where"), positive, x);
        String atLeastHalf = net.callWith(Map.of("x", 0.5), l.kerasOp("numpy.LessEqual"), x);
        String same = net.call(l.kerasOp("numpy.Equal"), x, oneMinus);
        String chosen = net.callWith(Map.of("y", 2.0), l.kerasOp("numpy.Where"), oneMinus, x);
        return net.build(sum, tail, t, oneMinus, half, squared, gram, joined, squeezed, clipped, mean, max, relu,
                minimum, softmax, ones, positive, kept, atLeastHalf, same, chosen);
    }

    /** Per output, the values of row 0 (x = [1, -2, 3, 0.5, 4, -1]) and row 1 (x all ones). */
    private static final float[][][] EXPECTED = {
        {{2, 3.5f}, {3, 3}},
        {{-2, 3, 4, -1}, {1, 1, 1, 1}},
        {{1, 0.5f, -2, 4, 3, -1}, {1, 1, 1, 1, 1, 1}},
        {{0, 3, -2, 0.5f, -3, 2}, {0, 0, 0, 0, 0, 0}},
        {{0.5f, -1, 1.5f, 0.25f, 2, -0.5f}, {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}},
        {{1, 4, 9, 0.25f, 16, 1}, {1, 1, 1, 1, 1, 1}},
        // r r^T of [[1, -2, 3], [0.5, 4, -1]]: 1 + 4 + 9, 0.5 - 8 - 3, 0.25 + 16 + 1
        {{14, -10.5f, -10.5f, 17.25f}, {3, 3, 3, 3}},
        {{1, -2, 3, 0.5f, 4, -1, 0, 3, -2, 0.5f, -3, 2}, {1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0}},
        {{2, 3.5f}, {3, 3}},
        {{0.5f, -0.5f, 0.5f, 0.5f, 0.5f, -0.5f}, {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}},
        {{5.5f / 6}, {1}},
        {{4}, {1}},
        {{1, 0, 3, 0.5f, 4, 0}, {1, 1, 1, 1, 1, 1}},
        {{0.3f, -2, 0.3f, 0.3f, 0.3f, -1}, {0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f}},
        // softmax of [2, 3.5]: 1 / (1 + e^1.5) and e^1.5 / (1 + e^1.5)
        {{0.18242552f, 0.81757448f}, {0.5f, 0.5f}},
        {{1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1}},
        // x > 0, where(x > 0, x, 0.0), 0.5 <= x, x == 1 - x (true at 0.5), where(1 - x, 2.0, x)
        {{1, 0, 1, 1, 1, 0}, {1, 1, 1, 1, 1, 1}},
        {{1, 0, 3, 0.5f, 4, 0}, {1, 1, 1, 1, 1, 1}},
        {{1, 0, 1, 1, 1, 0}, {1, 1, 1, 1, 1, 1}},
        {{0, 0, 0, 1, 0, 0}, {0, 0, 0, 0, 0, 0}},
        {{1, 2, 2, 2, 2, 2}, {1, 1, 1, 1, 1, 1}},
    };

    private String rows(SparkSession spark) {
        String data = dir.resolve("rows").toString();
        spark.sql("SELECT 0L AS id, CAST(array(1, -2, 3, 0.5, 4, -1) AS array<float>) AS x UNION ALL"
                + " SELECT 1L, CAST(array(1, 1, 1, 1, 1, 1) AS array<float>)").write().parquet(data);
        return data;
    }

    private JobOptions job(Path model, String data, String out, PredictionPath path) {
        return JobOptions.builder().setModel(model.toString()).setInput(data)
                .setBindings(List.of(InputBinding.array("x", "x"))).optOutput(out).optKeep(List.of("id"))
                .optPath(Optional.of(path)).build();
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void eachPathScoresTheOperationsAsNumpyComputesThem(PredictionPath path) {
        SparkSession spark = LocalSpark.get();
        String data = rows(spark);
        Path model = dir.resolve("ops.keras");
        KerasArchiveWriter.write(model(), model);
        String out = dir.resolve("scored").toString();

        ScoringJob.Result result = new ScoringJob(spark, job(model, data, out, path)).run();

        assertThat(result.summary().rows().scored()).isEqualTo(2);
        Map<Long, Row> byId = new TreeMap<>();
        for (Row r : spark.read().parquet(out).collectAsList()) {
            byId.put(r.getLong(0), r);
        }
        assertThat(byId).hasSize(2);
        for (int row = 0; row < 2; row++) {
            Row r = byId.get((long) row);
            assertThat(r.size()).isEqualTo(1 + EXPECTED.length);
            for (int o = 0; o < EXPECTED.length; o++) {
                // a one-value output is a float column, the others array columns
                List<Float> got = r.get(1 + o) instanceof Float f ? List.of(f) : r.getList(1 + o);
                float[] want = EXPECTED[o][row];
                assertThat(got).as("row %d output %d", row, o).hasSize(want.length);
                for (int k = 0; k < want.length; k++) {
                    assertThat(got.get(k)).as("row %d output %d value %d", row, o, k)
                            .isCloseTo(want[k], within(1e-6f));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void anOperationOutsideTheWhitelistIsRefusedNamingItBeforeAnythingIsWritten(PredictionPath path) {
        SparkSession spark = LocalSpark.get();
        String data = rows(spark);
        RandomNet net = new RandomNet("cumsum", 3);
        String x = net.input("x", 6);
        String y = net.call(net.layers().kerasOp("numpy.Cumsum", "axis", 1, "dtype", null), x);
        Path model = dir.resolve("cumsum.keras");
        KerasArchiveWriter.write(net.build(y), model);
        String out = dir.resolve("refused").toString();

        assertThatThrownBy(() -> new ScoringJob(spark, job(model, data, out, path)).run())
                .hasMessageContaining("layer 'cumsum' (Cumsum): is the Keras 3 operation keras.src.ops.numpy.Cumsum"
                        + " applied to a Keras tensor, which sparkscore does not implement")
                .hasMessageContaining("supported operations: keras.src.ops.numpy.Add,");
        assertThat(dir.resolve("refused")).doesNotExist();
    }
}
