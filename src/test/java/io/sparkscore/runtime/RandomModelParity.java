package io.sparkscore.runtime;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.keras.KerasArchiveWriter;
import io.sparkscore.model.keras.KerasModelReader;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.params.provider.Arguments;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the per-family random-model parity tests share. Seeded random models of every layer both paths support, and
 * small graphs combining them, go through the whole route a user's model takes: the spec is written as a Keras 3
 * {@code .keras} archive, read back (the same graph, weights and computing config must come back), loaded on the jvm
 * and the tf path, and fed seeded random rows. The paths must agree to {@value #TOLERANCE} relative
 * ({@code |tf - jvm| <= 1e-5 * max(1, |jvm|)}), in one batch and in batches of {@value #SMALL_BATCH}. Where Keras
 * defines a layer as a model of other layers (channels_first layers, Keras masks, 3-D layers that leave depth alone,
 * transposed convolutions, the preprocessing layers), both paths are also checked against that model run on the jvm
 * path.
 *
 * <p>This is a cross-check: a mistake both paths share goes unseen here; the per-layer hand-computed tests and the
 * Keras fixtures cover that. The family classes: {@link ActivationParityTest}, {@link CoreLayerParityTest},
 * {@link ConvolutionParityTest}, {@link PoolingAndResizingParityTest}, {@link NormalizationParityTest},
 * {@link RecurrentParityTest}, {@link MergeParityTest}, {@link GraphParityTest}, {@link KerasEquivalentParityTest},
 * {@link ChannelsFirstParityTest}.
 */
final class RandomModelParity {

    static final double TOLERANCE = KerasFixturesParityTest.PATH_TOLERANCE;
    static final int ROWS = 5;
    static final int SMALL_BATCH = 2;
    private static final Configuration CONF = new Configuration();
    private static final Map<String, Double> REACHED = new TreeMap<>();

    /**
     * A named model recipe; {@code inputScale} widens the random inputs beyond [-1, 1). With {@code exactConfig} the
     * reader must return every config key that changes what a layer computes unchanged; recipes with keys missing let
     * it fill in what it documents.
     */
    record Case(String name, double inputScale, boolean exactConfig, Function<RandomNet, ModelSpec> recipe) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case model(String name, Function<RandomNet, ModelSpec> recipe) {
        return new Case(name, 1, true, recipe);
    }

    /** A recipe whose layers lack config keys: the reader may add what it documents (e.g. GRU reset_after). */
    static Case minimal(String name, double inputScale, Function<RandomNet, ModelSpec> recipe) {
        return new Case(name, inputScale, false, recipe);
    }

    static Case scaled(String name, double inputScale, Function<RandomNet, ModelSpec> recipe) {
        return new Case(name, inputScale, true, recipe);
    }

    private RandomModelParity() {
    }

    /** The round trip and both paths on one case. */
    static void check(Path tmp, Case c) {
        ModelSpec read = roundTrip(tmp, c.recipe().apply(net(c.name())), c.name(), c.exactConfig());
        try (LoadedModel jvm = PredictionPaths.load(read, PredictionPath.JVM, RuntimeOptions.singleThreaded());
             LoadedModel tf = PredictionPaths.load(read, PredictionPath.TF, RuntimeOptions.singleThreaded())) {
            assertAgree(c.name(), read, jvm, tf, c.inputScale());
        }
    }

    static RandomNet net(String caseName) {
        return new RandomNet(caseName.replaceAll("[^A-Za-z0-9]+", "_"), caseName.hashCode());
    }

    /**
     * Writes the spec as a .keras archive and reads it back: the same graph and weights must come back, and every
     * config value that changes what a layer computes (the reader drops training-only settings: initializers,
     * regularizers, constraints).
     */
    static ModelSpec roundTrip(Path tmp, ModelSpec spec, String caseName, boolean exactConfig) {
        Path file = tmp.resolve(spec.name() + ".keras");
        KerasArchiveWriter.write(spec, file);
        ModelSpec read = KerasModelReader.read(file.toString(), CONF);
        assertThat(read.nodes()).as("%s: graph read back", caseName).isEqualTo(spec.nodes());
        assertThat(read.outputs()).as("%s: outputs read back", caseName).isEqualTo(spec.outputs());
        for (LayerSpec l : spec.layers()) {
            assertSameLayer(caseName, l, read.layer(l.name()), exactConfig);
        }
        return read;
    }

    private static void assertSameLayer(String caseName, LayerSpec written, LayerSpec read, boolean exactConfig) {
        assertThat(read.className()).as("%s: class of %s", caseName, written.name()).isEqualTo(written.className());
        assertThat(read.weights().keySet()).as("%s: weights of %s read back", caseName, written.name())
                .containsExactlyElementsOf(written.weights().keySet());
        written.weights().forEach((k, t) -> {
            assertThat(read.weight(k).shape()).as("%s: %s/%s shape", caseName, written.name(), k).isEqualTo(t.shape());
            assertThat(read.weight(k).data()).as("%s: %s/%s values", caseName, written.name(), k)
                    .isEqualTo(t.data());
        });
        if (exactConfig) {
            Map<String, Object> expected = new LinkedHashMap<>(written.config().asMap());
            expected.keySet().removeIf(RandomModelParity::isTrainingOnly);
            assertThat(read.config().asMap()).as("%s: config of %s read back", caseName, written.name())
                    .isEqualTo(expected);
        }
        assertThat(read.children()).as("%s: layers wrapped by %s", caseName, written.name())
                .hasSameSizeAs(written.children());
        for (int i = 0; i < written.children().size(); i++) {
            assertSameLayer(caseName, written.child(i), read.child(i), exactConfig);
        }
    }

    private static boolean isTrainingOnly(String key) {
        return key.endsWith("_initializer") || key.endsWith("_regularizer") || key.endsWith("_constraint");
    }

    /** Same random rows into both models; tf in one batch and in small batches against jvm in one batch. */
    static void assertAgree(String name, ModelSpec spec, LoadedModel jvm, LoadedModel tf, double inputScale) {
        for (int j = 0; j < jvm.signature().outputCount(); j++) {
            assertThat(tf.signature().outputShapes().get(j)).as("%s: output %d shape", name, j)
                    .isEqualTo(jvm.signature().outputShapes().get(j));
        }
        ParityRuns.Batch inputs = scale(ParityRuns.randomInputs(spec, jvm.signature(), ROWS, name.hashCode()),
                inputScale);
        float[][] reference = ParityRuns.predict(jvm, inputs, ROWS);
        for (float[] r : reference) {
            assertThat(r).as("jvm output must be a number").doesNotContain(Float.NaN);
        }
        double worst = 0;
        for (int batch : new int[] {ROWS, SMALL_BATCH}) {
            float[][] out = ParityRuns.predict(tf, inputs, batch);
            double rel = ParityRuns.maxRelativeError(out, reference);
            worst = Math.max(worst, rel);
            record(name, worst);
            assertThat(rel).as("tf vs jvm in batches of %d rows, relative (%s)", batch,
                    ParityRuns.worstDifference(out, reference, spec.outputs())).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    /** Widens the random inputs (only recipes without Embedding inputs are scaled). */
    private static ParityRuns.Batch scale(ParityRuns.Batch batch, double factor) {
        if (factor == 1) {
            return batch;
        }
        for (float[] a : batch.arrays()) {
            for (int k = 0; k < a.length; k++) {
                a[k] *= (float) factor;
            }
        }
        return batch;
    }

    static synchronized void record(String name, double error) {
        REACHED.merge(name, error, Math::max);
    }

    /** Prints the largest differences reached by the cases run since the last call, and forgets them. */
    static synchronized void printWorstCases() {
        if (REACHED.isEmpty()) {
            return;
        }
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(REACHED.entrySet());
        sorted.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        System.out.println("Random-model parity: " + REACHED.size() + " models, largest relative |tf - jvm| first:");
        sorted.stream().limit(10).forEach(e -> System.out.printf("  %.2e  %s%n", e.getValue(), e.getKey()));
        REACHED.clear();
    }

    static ModelSpec elementwise(RandomNet n, LayerSpec layer) {
        String x = n.input("x", 5, 4);
        return n.build(n.call(layer, x));
    }

    static Stream<Arguments> args(Case... cases) {
        return Stream.of(cases).map(Arguments::of);
    }

    static Stream<Arguments> args(List<Case> cases) {
        return cases.stream().map(Arguments::of);
    }
}
