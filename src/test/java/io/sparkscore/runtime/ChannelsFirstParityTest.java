package io.sparkscore.runtime;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.sparkscore.runtime.RandomModelParity.assertAgree;
import static io.sparkscore.runtime.RandomModelParity.model;
import static io.sparkscore.runtime.RandomModelParity.net;
import static io.sparkscore.runtime.RandomModelParity.record;
import static io.sparkscore.runtime.RandomModelParity.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random-model parity, channels_first layers on both paths, against the channels_last layer between transposes on the
 * jvm path (how Keras defines them). Each seeded model takes the route a user's model takes (written as a Keras 3
 * {@code .keras} archive, read back, loaded on both paths); see {@link RandomModelParity} for what agreeing means.
 */
class ChannelsFirstParityTest {

    @TempDir
    Path tmp;

    /**
     * Each path's channels_first layer is checked against what Keras defines it as: the channels_last layer between
     * transposes (Permute layers), run on the jvm path with the input moved to channels-last and the output moved
     * back.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("channelsFirstLayers")
    void channelsFirstOnEachPathMatchesChannelsLastBetweenTransposesOnJvm(ChannelsFirstCase c) {
        RandomNet first = net(c.name());
        RandomNet last = net(c.name());
        var layer = c.layer().apply(first.layers());
        String x = first.input("x", c.inputShape());
        ModelSpec channelsFirst = roundTrip(tmp, first.build(first.call(KerasLayers.withDataFormat(layer,
                "channels_first"), x)), c.name(), true);
        int rank = c.inputShape().length;
        String y = last.input("x", c.inputShape());
        String moved = last.call(rank == 3 ? last.layers().permute(2, 3, 1) : last.layers().permute(2, 1), y);
        String out = last.call(layer, moved);
        if (c.moveBack()) {
            out = last.call(rank == 3 ? last.layers().permute(3, 1, 2) : last.layers().permute(2, 1), out);
        }
        ModelSpec channelsLast = roundTrip(tmp, last.build(out), c.name(), true);
        try (LoadedModel reference = PredictionPaths.load(channelsLast, PredictionPath.JVM,
                RuntimeOptions.singleThreaded())) {
            for (PredictionPath path : PredictionPath.values()) {
                try (LoadedModel model = PredictionPaths.load(channelsFirst, path, RuntimeOptions.singleThreaded())) {
                    assertThat(model.signature().outputShapes().get(0)).as("output shape")
                            .isEqualTo(reference.signature().outputShapes().get(0));
                    assertAgree(c.name() + " on " + path.id(), channelsFirst, reference, model, 1);
                }
            }
        }
    }

    /** A channels_last layer (its channels_first twin is derived), the channels_first input, whether to move back. */
    record ChannelsFirstCase(String name, int[] inputShape, Function<KerasLayers, LayerSpec> layer,
                             boolean moveBack) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Arguments cf(String name, int[] inputShape, Function<KerasLayers, LayerSpec> layer) {
        return Arguments.of(new ChannelsFirstCase(name, inputShape, layer, true));
    }

    static Stream<Arguments> channelsFirstLayers() {
        int[] image = {3, 7, 6};
        int[] sequence = {3, 9};
        return Stream.of(
                cf("Conv2D channels_first same (2, 2) strides (2, 2)", image, l -> l.conv(3, 4, new int[] {2, 2},
                        new int[] {2, 2}, "same", new int[] {1, 1}, 1, "relu", true)),
                cf("Conv2D channels_first valid dilation (2, 1)", image, l -> l.conv(3, 2, new int[] {3, 2},
                        new int[] {1, 1}, "valid", new int[] {2, 1}, 1, "linear", true)),
                cf("Conv1D channels_first causal dilation 2", sequence, l -> l.conv(3, 2, new int[] {3},
                        new int[] {1}, "causal", new int[] {2}, 1, "tanh", true)),
                cf("Conv1D channels_first same stride 2", sequence, l -> l.conv(3, 2, new int[] {4},
                        new int[] {2}, "same", new int[] {1}, 1, "linear", true)),
                cf("SeparableConv2D channels_first same", image, l -> l.separableConv(3, 4, new int[] {3, 3},
                        new int[] {1, 1}, "same", new int[] {1, 1}, 2, "linear", true)),
                cf("DepthwiseConv2D channels_first valid strides (2, 1)", image, l -> l.depthwiseConv(3,
                        new int[] {2, 2}, new int[] {2, 1}, "valid", new int[] {1, 1}, 2, "linear", true)),
                cf("MaxPooling2D channels_first (2, 2) same", image, l -> l.pooling("Max", new int[] {2, 2}, null,
                        "same")),
                cf("AveragePooling2D channels_first (3, 2) strides (1, 2) same", image, l -> l.pooling("Average",
                        new int[] {3, 2}, new int[] {1, 2}, "same")),
                cf("MaxPooling1D channels_first pool 2 valid", sequence, l -> l.pooling("Max", new int[] {2}, null,
                        "valid")),
                cf("AveragePooling1D channels_first pool 3 stride 2 same", sequence, l -> l.pooling("Average",
                        new int[] {3}, new int[] {2}, "same")),
                Arguments.of(new ChannelsFirstCase("GlobalAveragePooling2D channels_first", image,
                        l -> l.globalPooling("Average", 2, false), false)),
                Arguments.of(new ChannelsFirstCase("GlobalMaxPooling1D channels_first", sequence,
                        l -> l.globalPooling("Max", 1, false), false)),
                cf("GlobalMaxPooling2D channels_first keepdims", image, l -> l.globalPooling("Max", 2, true)),
                cf("ZeroPadding2D channels_first ((1, 0), (2, 1))", image, l -> l.zeroPadding2D(1, 0, 2, 1)),
                cf("Cropping2D channels_first ((1, 2), (0, 1))", image, l -> l.cropping2D(1, 2, 0, 1)),
                cf("UpSampling2D channels_first (2, 3) nearest", image, l -> l.upSampling2D(2, 3, "nearest")),
                cf("UpSampling2D channels_first (2, 2) bilinear", image, l -> l.upSampling2D(2, 2, "bilinear")),
                cf("Conv2DTranspose channels_first (3, 2) strides (2, 1) same", image, l -> l.convTranspose(3, 2,
                        new int[] {3, 2}, new int[] {2, 1}, "same", "linear")),
                cf("Conv1DTranspose channels_first k3 stride 2 valid", sequence, l -> l.convTranspose(3, 2,
                        new int[] {3}, new int[] {2}, "valid", "tanh")),
                cf("ZeroPadding1D channels_first (2, 1)", sequence, l -> l.zeroPadding1D(2, 1)),
                cf("UpSampling1D channels_first 2", sequence, l -> l.upSampling1D(2)),
                Arguments.of(new ChannelsFirstCase("Flatten channels_first (flattens in channels-last order)", image,
                        KerasLayers::flatten, false)));
    }

    @AfterAll
    static void printWorstCases() {
        RandomModelParity.printWorstCases();
    }
}
