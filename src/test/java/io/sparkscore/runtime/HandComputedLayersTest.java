package io.sparkscore.runtime;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.sparkscore.model.TestSpecs.config;
import static io.sparkscore.model.TestSpecs.layer;
import static io.sparkscore.model.TestSpecs.sequential;
import static io.sparkscore.model.TestSpecs.shape;
import static io.sparkscore.model.TestSpecs.tensor;
import static io.sparkscore.model.TestSpecs.wrapper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Hand-computed references, run on each path, for the layers both paths gained together with the jvm path's own
 * implementations: transposed and 3D convolutions, 3D pooling/padding/cropping/upsampling, the preprocessing layers,
 * GroupNormalization, UnitNormalization, channels_first layers and Keras masks. Each expected value is worked out in
 * the comment beside it from Keras' definition of the layer, independently of either path.
 */
class HandComputedLayersTest {

    private static final double TOLERANCE = 1e-5;

    // ---- transposed and 3D convolutions

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void conv1dTransposeStride2ValidScattersEachInputThroughTheKernel(PredictionPath path) {
        // out length 2 * 2 + max(3 - 2, 0) = 5; x0 = 1 adds [1, 2, 3] at 0..2, x1 = 10 adds [10, 20, 30] at 2..4
        LayerSpec t = layer("t", "Conv1DTranspose", config("filters", 1, "kernel_size", List.of(3), "strides",
                List.of(2), "padding", "valid"), tensor("kernel", shape(3, 1, 1), 1, 2, 3), tensor("bias", shape(1),
                0.5f));
        assertClose(score(path, sequential(shape(2, 1), t), 1, 10), 1.5, 2.5, 13.5, 20.5, 30.5);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void conv1dTransposeSameCropsTheFullScatterAsTensorFlowPadsIt(PredictionPath path) {
        // k 3: out 2 * 2 = 4, padding max(1 * 2 + 3 - 4, 0) = 1, none before: [1, 2, 13, 20, 30] loses its end
        LayerSpec k3 = layer("t", "Conv1DTranspose", config("filters", 1, "kernel_size", 3, "strides", 2,
                "padding", "same", "use_bias", false), tensor("kernel", shape(3, 1, 1), 1, 2, 3));
        assertClose(score(path, sequential(shape(2, 1), k3), 1, 10), 1, 2, 13, 20);
        // k 4: padding 2 + 4 - 4 = 2, one before: [1, 2, 13, 24, 30, 40] loses one at each end
        LayerSpec k4 = layer("t", "Conv1DTranspose", config("filters", 1, "kernel_size", 4, "strides", 2,
                "padding", "same", "use_bias", false), tensor("kernel", shape(4, 1, 1), 1, 2, 3, 4));
        assertClose(score(path, sequential(shape(2, 1), k4), 1, 10), 2, 13, 24, 30);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void conv1dTransposeOutputPaddingLengthensTheOutput(PredictionPath path) {
        // valid, output_padding 1: length (2 - 1) * 2 + 3 + 1 = 6, the full scatter [1, 2, 13, 20, 30] and a 0
        LayerSpec valid = layer("t", "Conv1DTranspose", config("filters", 1, "kernel_size", 3, "strides", 2,
                "output_padding", 1, "use_bias", false), tensor("kernel", shape(3, 1, 1), 1, 2, 3));
        assertClose(score(path, sequential(shape(2, 1), valid), 1, 10), 1, 2, 13, 20, 30, 0);
        // same, kernel 4, output_padding 1: length (2 - 1) * 2 + 4 - 2 * 2 + 1 = 3; TensorFlow pads
        // max(1 * 2 + 4 - 3, 0) = 3, one before: [1, 2, 13, 24, 30, 40] from position 1
        LayerSpec same = layer("t", "Conv1DTranspose", config("filters", 1, "kernel_size", 4, "strides", 2,
                "padding", "same", "output_padding", 1, "use_bias", false), tensor("kernel", shape(4, 1, 1),
                1, 2, 3, 4));
        assertClose(score(path, sequential(shape(2, 1), same), 1, 10), 2, 13, 24);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void conv2dTransposeWithTwoInputChannelsAndTwoFilters(PredictionPath path) {
        // kernel (1, 1, filters 2, in 2) = [[1, 2], [3, 4]] (per filter, per input channel), stride 2 valid:
        // each input pixel (a, b) lands on (2i, 2j) as [a + 2b, 3a + 4b]; the odd positions stay 0
        LayerSpec t = layer("t", "Conv2DTranspose", config("filters", 2, "kernel_size", List.of(1, 1), "strides",
                List.of(2, 2), "use_bias", false), tensor("kernel", shape(1, 1, 2, 2), 1, 2, 3, 4));
        assertClose(score(path, sequential(shape(1, 2, 2), t), 1, 1, 2, 0),
                3, 7, 0, 0, 2, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void conv3dTransposeValidOnOneVoxel(PredictionPath path) {
        // one voxel of value 2 scatters the 2x1x2 kernel [1, 2, 3, 4] times 2, plus bias 1
        LayerSpec t = layer("t", "Conv3DTranspose", config("filters", 1, "kernel_size", List.of(2, 1, 2),
                "strides", List.of(1, 1, 1)), tensor("kernel", shape(2, 1, 2, 1, 1), 1, 2, 3, 4),
                tensor("bias", shape(1), 1));
        assertClose(score(path, sequential(shape(1, 1, 1, 1), t), 2), 3, 5, 7, 9);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void conv3dValidIsTheDotProductOfWindowAndKernel(PredictionPath path) {
        // input 1..8 and kernel 1..8 over one 2x2x2 window: 1 + 4 + 9 + ... + 64 = 204, plus bias 1
        float[] k = {1, 2, 3, 4, 5, 6, 7, 8};
        LayerSpec c = layer("c", "Conv3D", config("filters", 1, "kernel_size", List.of(2, 2, 2)),
                tensor("kernel", shape(2, 2, 2, 1, 1), k), tensor("bias", shape(1), 1));
        assertClose(score(path, sequential(shape(2, 2, 2, 1), c), k), 205);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void conv3dSameWithAnEvenKernelPadsAfter(PredictionPath path) {
        // depth 2, kernel depth 2 of ones: out[d] = x[d] + x[d + 1], the missing step after the end is zero
        LayerSpec c = layer("c", "Conv3D", config("filters", 1, "kernel_size", List.of(2, 1, 1), "padding", "same",
                "use_bias", false), tensor("kernel", shape(2, 1, 1, 1, 1), 1, 1));
        assertClose(score(path, sequential(shape(2, 1, 1, 1), c), 3, 5), 8, 5);
    }

    // ---- 3D pooling, padding, cropping, upsampling

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void pooling3dOverOneWindowAndSameAveragingOnlyRealCells(PredictionPath path) {
        float[] cube = {1, 2, 3, 4, 5, 6, 7, 8};
        assertClose(score(path, sequential(shape(2, 2, 2, 1), layer("p", "MaxPooling3D", config())), cube), 8);
        assertClose(score(path, sequential(shape(2, 2, 2, 1), layer("p", "AveragePooling3D", config())), cube),
                4.5);
        // depth 3, pool 2 stride 2 same: windows {0, 1} and {2} (the padded cell does not count)
        LayerSpec same = layer("p", "AveragePooling3D", config("pool_size", List.of(2, 1, 1), "strides",
                List.of(2, 1, 1), "padding", "same"));
        assertClose(score(path, sequential(shape(3, 1, 1, 1), same), 1, 3, 10), 2, 10);
        assertClose(score(path, sequential(shape(2, 2, 2, 1), layer("g", "GlobalMaxPooling3D", config())), cube),
                8);
        assertClose(score(path, sequential(shape(2, 1, 1, 2), layer("g", "GlobalAveragePooling3D", config())),
                1, 10, 3, 20), 2, 15);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void padCropAndUpsampleIn3D(PredictionPath path) {
        // (1, 1, 2) -> pad depth (1, 0) and width (0, 1): depth 0 all zeros, depth 1 = [a, b, 0]
        LayerSpec pad = layer("z", "ZeroPadding3D", config("padding", List.of(List.of(1, 0), List.of(0, 0),
                List.of(0, 1))));
        assertClose(score(path, sequential(shape(1, 1, 2, 1), pad), 4, 5), 0, 0, 0, 4, 5, 0);
        // (2, 2, 2) cropped by one at the start of each axis keeps the last voxel
        LayerSpec crop = layer("c", "Cropping3D", config("cropping", List.of(List.of(1, 0), List.of(1, 0),
                List.of(1, 0))));
        assertClose(score(path, sequential(shape(2, 2, 2, 1), crop), 1, 2, 3, 4, 5, 6, 7, 8), 8);
        // (2, 1, 1) upsampled by (1, 2, 1): each voxel repeated along height
        LayerSpec up = layer("u", "UpSampling3D", config("size", List.of(1, 2, 1)));
        assertClose(score(path, sequential(shape(2, 1, 1, 1), up), 6, 7), 6, 6, 7, 7);
    }

    // ---- preprocessing and normalization

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void normalizationStandardisesAndInvertUndoesIt(PredictionPath path) {
        Tensor mean = tensor("mean", shape(2), 1, -1);
        Tensor variance = tensor("variance", shape(2), 4, 9);
        // (2 - 1) / 2 = 0.5, (3 + 1) / 3
        assertClose(score(path, sequential(shape(2), layer("n", "Normalization", config("axis", -1), mean,
                variance)), 2, 3), 0.5, 4.0 / 3);
        // inverted: 2 * 2 + 1 = 5, 3 * 3 - 1 = 8
        assertClose(score(path, sequential(shape(2), layer("n", "Normalization", config("axis", -1, "invert",
                true), mean, variance)), 2, 3), 5, 8);
        // statistics given in the config, one for every value (axis=None); a zero variance divides by 1e-7
        Map<String, Object> global = config("mean", 2, "variance", 0.25, "invert", false);
        global.put("axis", null);
        assertClose(score(path, sequential(shape(2), layer("n", "Normalization", global)), 3, 1), 2, -2);
        assertClose(score(path, sequential(shape(1), layer("n", "Normalization", config("axis", -1, "mean", 1,
                "variance", 0))), 1.5f), 5e6);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void rescalingPerChannelAndUnitNormalization(PredictionPath path) {
        assertClose(score(path, sequential(shape(2, 2), layer("r", "Rescaling", config("scale", List.of(2, 10),
                "offset", 1))), 1, 1, 2, 3), 3, 11, 5, 31);
        assertClose(score(path, sequential(shape(2), layer("u", "UnitNormalization", config())), 3, 4), 0.6, 0.8);
        // over both axes of a (2, 2) row: the norm of [1, 1, 1, 1] is 2
        assertClose(score(path, sequential(shape(2, 2), layer("u", "UnitNormalization", config("axis",
                List.of(1, 2)))), 1, 1, 1, 1), 0.5, 0.5, 0.5, 0.5);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void groupNormalizationOnTwoGroups(PredictionPath path) {
        // (2 positions, 4 channels), groups 2, epsilon 0. Group 0 = channels 0, 1: {1, 3, 5, 7}, mean 4, variance 5;
        // group 1 = channels 2, 3: {10, 20, 30, 40}, mean 25, variance 125; both give (+-3, +-1) / sqrt(5) =
        // +-1.341641, +-0.447214. gamma [1, 1, 2, 2] and beta [0, 0, 1, 1] then scale and shift group 1.
        LayerSpec gn = layer("g", "GroupNormalization", config("groups", 2, "epsilon", 0.0),
                tensor("gamma", shape(4), 1, 1, 2, 2), tensor("beta", shape(4), 0, 0, 1, 1));
        double a = 3 / Math.sqrt(5);
        double b = 1 / Math.sqrt(5);
        assertClose(score(path, sequential(shape(2, 4), gn), 1, 3, 10, 20, 5, 7, 30, 40),
                -a, -b, 1 - 2 * a, 1 - 2 * b, b, a, 1 + 2 * b, 1 + 2 * a);
    }

    // ---- channels_first

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void channelsFirstConvolutionAndFlattenMoveChannelsAsKerasDefinesThem(PredictionPath path) {
        // (channels 2, steps 2) = [[1, 2], [3, 4]]: step 0 is (1, 3), step 1 is (2, 4); kernel 1 x [1, 10]
        LayerSpec conv = layer("c", "Conv1D", config("filters", 1, "kernel_size", 1, "data_format",
                "channels_first", "use_bias", false), tensor("kernel", shape(1, 2, 1), 1, 10));
        assertClose(score(path, sequential(shape(2, 2), conv), 1, 2, 3, 4), 31, 42);
        // Flatten of (channels 2, 1, 2) moves channels last first: [1, 3, 2, 4]
        LayerSpec flatten = layer("f", "Flatten", config("data_format", "channels_first"));
        assertClose(score(path, sequential(shape(2, 1, 2), flatten), 1, 2, 3, 4), 1, 3, 2, 4);
        // MaxPooling2D over (channels 2, 2, 1): one value per channel
        LayerSpec pool = layer("p", "MaxPooling2D", config("pool_size", List.of(2, 1), "data_format",
                "channels_first"));
        assertClose(score(path, sequential(shape(2, 2, 1), pool), 1, 5, 7, 3), 5, 7);
    }

    // ---- masks

    /** SimpleRNN(1, linear, no bias) with h = x + 2 h. */
    private static LayerSpec doublingRnn(String name, boolean returnSequences) {
        return layer(name, "SimpleRNN", config("units", 1, "activation", "linear", "use_bias", false,
                "return_sequences", returnSequences), tensor("kernel", shape(1, 1), 1),
                tensor("recurrent_kernel", shape(1, 1), 2));
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void maskedStepsKeepTheStateAndRepeatThePreviousOutput(PredictionPath path) {
        LayerSpec masking = layer("m", "Masking", config("mask_value", 0.0));
        // [1, 0, 2, 0]: h = 1, (masked) 1, 2 + 2 * 1 = 4, (masked) 4; unmasked it would be 1, 2, 6, 12
        assertClose(score(path, sequential(shape(4, 1), masking, doublingRnn("r", false)), 1, 0, 2, 0), 4);
        assertClose(score(path, sequential(shape(4, 1), masking, doublingRnn("r", true)), 1, 0, 2, 0),
                1, 1, 4, 4);
        // a masked first step outputs zeros: [0, 1, 0, 2] -> 0, 1, (masked) 1, 2 + 2 * 1 = 4
        assertClose(score(path, sequential(shape(4, 1), masking, doublingRnn("r", true)), 0, 1, 0, 2),
                0, 1, 1, 4);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void embeddingMaskZeroSkipsIndexZero(PredictionPath path) {
        // embeddings: index 0 -> 100 (so skipping it matters), 1 -> 2, 3 -> 1; ids [3, 0, 1]: h = 1, (masked) 1,
        // 2 + 2 * 1 = 4
        LayerSpec embedding = layer("e", "Embedding", config("input_dim", 4, "output_dim", 1, "mask_zero", true),
                tensor("embeddings", shape(4, 1), 100, 2, 0, 1));
        assertClose(score(path, sequential(shape(3), embedding, doublingRnn("r", false)), 3, 0, 1), 4);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void bidirectionalOutputsZerosAtMaskedStepsAndMergesInTimeOrder(PredictionPath path) {
        // [1, 0, 2], step 1 masked. Forward: 1, 0, 2 + 2 * 1 = 4. Backward from the end: 2, 0, 1 + 2 * 2 = 5,
        // flipped back: 5, 0, 2. Concatenated per step: (1, 5), (0, 0), (4, 2); summed: 6, 0, 6.
        LayerSpec masking = layer("m", "Masking", config());
        LayerSpec concat = wrapper("b", "Bidirectional", config("merge_mode", "concat"), doublingRnn("f", true),
                backward(doublingRnn("bk", true)));
        assertClose(score(path, sequential(shape(3, 1), masking, concat), 1, 0, 2), 1, 5, 0, 0, 4, 2);
        LayerSpec sum = wrapper("b", "Bidirectional", config("merge_mode", "sum"), doublingRnn("f", true),
                backward(doublingRnn("bk", true)));
        assertClose(score(path, sequential(shape(3, 1), masking, sum), 1, 0, 2), 6, 0, 6);
        // last outputs: forward 4 (its last kept step), backward 5
        LayerSpec last = wrapper("b", "Bidirectional", config("merge_mode", "concat"), doublingRnn("f", false),
                backward(doublingRnn("bk", false)));
        assertClose(score(path, sequential(shape(3, 1), masking, last), 1, 0, 2), 4, 5);
    }

    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void globalAveragePooling1DAveragesOnlyTheKeptSteps(PredictionPath path) {
        // steps (1, 2), (0, 0) masked, (3, 4): mean of the kept two = (2, 3); a Dense passes the mask on
        LayerSpec dense = layer("d", "Dense", config("units", 2, "use_bias", false),
                tensor("kernel", shape(2, 2), 1, 0, 0, 1));
        assertClose(score(path, sequential(shape(3, 2), layer("m", "Masking", config()), dense,
                layer("g", "GlobalAveragePooling1D", config())), 1, 2, 0, 0, 3, 4), 2, 3);
    }

    /**
     * a = [1, 0, 2] and b = [0, 0, 3] (one feature per step) behind Masking (b optionally unmasked), added, into the
     * doubling RNN. The sum is [1, 0, 5]. Keras 2 keeps a step where every masked input keeps it: with both masks only
     * step 2 (h = 5), with a's alone steps 0 and 2 (1, then 5 + 2 = 7). Keras 3 keeps a step where any input keeps it:
     * steps 0 and 2 (7); with b unmasked the sum has no mask at all (1, 0 + 2, 5 + 4 = 9).
     */
    @ParameterizedTest
    @EnumSource(PredictionPath.class)
    void mergedMasksFollowTheFilesKerasVersion(PredictionPath path) {
        float[][] rows = {{1, 0, 2}, {0, 0, 3}};
        assertClose(score(path, maskedSum("2.15.0", true), rows), 5);
        assertClose(score(path, maskedSum("2.15.0", false), rows), 7);
        assertClose(score(path, maskedSum("3.12.0", true), rows), 7);
        assertClose(score(path, maskedSum("3.12.0", false), rows), 9);
    }

    private static ModelSpec maskedSum(String kerasVersion, boolean maskB) {
        List<LayerSpec> layers = new java.util.ArrayList<>(List.of(layer("ma", "Masking", config()),
                layer("mb", "Masking", config()), layer("add", "Add", config()), doublingRnn("r", false)));
        List<NodeSpec> nodes = new java.util.ArrayList<>();
        nodes.add(new NodeSpec("ma", "ma", List.of("a")));
        if (maskB) {
            nodes.add(new NodeSpec("mb", "mb", List.of("b")));
        } else {
            layers.remove(1);
        }
        nodes.add(new NodeSpec("add", "add", List.of("ma", maskB ? "mb" : "b")));
        nodes.add(new NodeSpec("r", "r", List.of("add")));
        return new ModelSpec("merged_masks", "programmatic", kerasVersion, List.of(new InputSpec("a", shape(3, 1),
                "float32"), new InputSpec("b", shape(3, 1), "float32")), layers, nodes, List.of("r"));
    }

    private static LayerSpec backward(LayerSpec rnn) {
        Map<String, Object> c = new LinkedHashMap<>(rnn.config().asMap());
        c.put("go_backwards", true);
        return new LayerSpec(rnn.name(), rnn.className(), new LayerConfig(rnn.name(), rnn.className(), c),
                rnn.weights());
    }

    // ---- helpers

    private static float[] score(PredictionPath path, ModelSpec spec, float... row) {
        return score(path, spec, new float[][] {row});
    }

    /** One row, one array per model input. */
    private static float[] score(PredictionPath path, ModelSpec spec, float[][] inputs) {
        try (LoadedModel model = PredictionPaths.load(spec, path, RuntimeOptions.singleThreaded());
             Predictor p = model.newPredictor(1)) {
            float[] out = new float[model.signature().outputSize(0)];
            p.predict(inputs, 1, new float[][] {out});
            return out;
        }
    }

    private static void assertClose(float[] actual, double... expected) {
        assertThat(actual).as(Arrays.toString(actual)).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            double tolerance = TOLERANCE * Math.max(1, Math.abs(expected[i]));
            assertThat((double) actual[i]).as("element %d of %s", i, Arrays.toString(actual))
                    .isCloseTo(expected[i], within(tolerance));
        }
    }
}
