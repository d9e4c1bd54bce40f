package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ShapeInference;
import io.sparkscore.model.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayerRegistryTest {

    private static Map<String, Object> config(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static LayerSpec layer(String cls, Map<String, Object> config, Map<String, Tensor> weights) {
        return new LayerSpec("l", cls, new LayerConfig("l", cls, config), weights);
    }

    private static int[] out(String cls, Map<String, Object> config, int... input) {
        return ShapeInference.outputShape(layer(cls, config, Map.of()), List.of(input));
    }

    @Test
    void anEntryCannotExistWithoutAShapeRule() {
        assertThatThrownBy(() -> new LayerEntry("Foo", LayerFamily.CORE, List.of(), LayerEntry.Inputs.ONE, false,
                WeightNames.NONE, null, Optional.empty()))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("layer class Foo needs a shape rule");
        assertThat(LayerRegistry.entries()).allSatisfy(e -> assertThat(e.shapeRule()).isNotNull());
    }

    @Test
    void aliasesNameTheirCanonicalClass() {
        assertThat(LayerRegistry.canonicalClass("MaxPool2D")).isEqualTo("MaxPooling2D");
        assertThat(LayerRegistry.canonicalClass("Convolution2D")).isEqualTo("Conv2D");
        assertThat(LayerRegistry.canonicalClass("GlobalAvgPool1D")).isEqualTo("GlobalAveragePooling1D");
        assertThat(LayerRegistry.canonicalClass("Model")).isEqualTo("Functional");
        assertThat(LayerRegistry.canonicalClass("Dense")).isEqualTo("Dense");
    }

    @Test
    void entriesAreGroupedByFamilyAndListedOnce() {
        List<LayerEntry> all = List.copyOf(LayerRegistry.entries());
        assertThat(all).extracting(LayerEntry::className).doesNotHaveDuplicates();
        assertThat(all).extracting(LayerEntry::family).isSorted();
    }

    /** Hand-computed from Keras' deconv_output_length: valid L*s + max(k - s, 0), same L*s, else with padding. */
    @Test
    void transposedConvolutionShapesFollowKerasDeconvOutputLength() {
        assertThat(out("Conv2DTranspose", config("filters", 4, "kernel_size", List.of(3, 3), "strides",
                List.of(2, 2), "padding", "valid"), 5, 5, 2)).containsExactly(11, 11, 4);
        assertThat(out("Conv2DTranspose", config("filters", 4, "kernel_size", List.of(3, 3), "strides",
                List.of(2, 2), "padding", "same"), 5, 5, 2)).containsExactly(10, 10, 4);
        // (5 - 1) * 2 + 3 - 2 * 1 + 1 = 10
        assertThat(out("Conv2DTranspose", config("filters", 4, "kernel_size", List.of(3, 3), "strides",
                List.of(2, 2), "padding", "same", "output_padding", List.of(1, 1)), 5, 5, 2))
                .containsExactly(10, 10, 4);
        assertThat(out("Conv1DTranspose", config("filters", 3, "kernel_size", List.of(4)), 6, 2))
                .containsExactly(9, 3);
        assertThat(out("Conv3DTranspose", config("filters", 5, "kernel_size", List.of(2, 2, 2), "strides",
                List.of(2, 2, 2), "padding", "same"), 2, 3, 4, 1)).containsExactly(4, 6, 8, 5);
        assertThat(out("Conv2DTranspose", config("filters", 4, "kernel_size", List.of(3, 3), "data_format",
                "channels_first"), 2, 5, 5)).containsExactly(4, 7, 7);
    }

    @Test
    void threeDimensionalLayersHaveShapeRules() {
        assertThat(out("Conv3D", config("filters", 2, "kernel_size", List.of(3, 3, 3)), 5, 6, 7, 1))
                .containsExactly(3, 4, 5, 2);
        assertThat(out("MaxPooling3D", config(), 4, 4, 5, 3)).containsExactly(2, 2, 2, 3);
        assertThat(out("AveragePooling3D", config("pool_size", List.of(3, 3, 3), "strides", List.of(1, 1, 1),
                "padding", "same"), 4, 4, 5, 3)).containsExactly(4, 4, 5, 3);
        assertThat(out("GlobalAveragePooling3D", config("keepdims", true), 2, 3, 4, 5)).containsExactly(1, 1, 1, 5);
        assertThat(out("GlobalMaxPooling3D", config(), 2, 3, 4, 5)).containsExactly(5);
        assertThat(out("UpSampling3D", config(), 2, 3, 1, 1)).containsExactly(4, 6, 2, 1);
        assertThat(out("ZeroPadding3D", config(), 2, 2, 2, 1)).containsExactly(4, 4, 4, 1);
    }

    /** Keras' defaults: Cropping1D and Cropping3D crop 1 on each side, Cropping2D nothing. */
    @Test
    void croppingDefaultsDifferByRankAsInKeras() {
        assertThat(out("Cropping1D", config(), 5, 2)).containsExactly(3, 2);
        assertThat(out("Cropping2D", config(), 4, 5, 2)).containsExactly(4, 5, 2);
        assertThat(out("Cropping3D", config(), 4, 5, 6, 2)).containsExactly(2, 3, 4, 2);
        assertThat(PaddingOptions.of(layer("Cropping3D", config("cropping", List.of(1, 2, 0)), Map.of())).amounts())
                .isDeepEqualTo(new int[][] {{1, 1}, {2, 2}, {0, 0}});
        assertThatThrownBy(() -> out("Cropping2D", config("cropping", List.of(List.of(2, 2), List.of(0, 0))),
                4, 5, 2)).hasMessage("layer 'l' (Cropping2D): cropping [2, 2] leaves nothing of a dimension of 4");
    }

    @Test
    void preprocessingAndNormalizationLayersKeepTheirInputShape() {
        for (String cls : List.of("Rescaling", "Normalization", "UnitNormalization", "GroupNormalization",
                "Identity", "Masking")) {
            assertThat(out(cls, config(), 3, 4)).as(cls).containsExactly(3, 4);
        }
    }

    @Test
    void spatialLayersRefuseInputsOfTheWrongRank() {
        assertThatThrownBy(() -> out("Conv3D", config("filters", 2, "kernel_size", List.of(3, 3, 3)), 5, 6, 1))
                .hasMessage("layer 'l' (Conv3D): Conv3D expects inputs with 4 non-batch dimensions but got (5, 6, 1)");
    }

    /** A GRU config without reset_after: the bias decides; without a bias, the Keras version's default. */
    @Test
    void gruResetAfterHasOneRuleForEveryReader() {
        Map<String, Tensor> twoRowBias = Map.of("bias", new Tensor("bias", new int[] {2, 6}, new float[12]));
        Map<String, Tensor> oneRowBias = Map.of("bias", new Tensor("bias", new int[] {6}, new float[6]));
        Map<String, Object> noBias = config("units", 2, "use_bias", false);
        assertThat(RecurrentOptions.of(layer("GRU", config("units", 2), twoRowBias), 2).resetAfter()).isTrue();
        assertThat(RecurrentOptions.of(layer("GRU", config("units", 2), oneRowBias), 3).resetAfter()).isFalse();
        assertThat(RecurrentOptions.of(layer("GRU", noBias, Map.of()), 3).resetAfter()).isTrue();
        assertThat(RecurrentOptions.of(layer("GRU", noBias, Map.of()), 2).resetAfter()).isFalse();
        assertThat(RecurrentOptions.of(layer("GRU", config("units", 2, "reset_after", false), twoRowBias), 3)
                .resetAfter()).isFalse();
        assertThat(RecurrentOptions.of(layer("LSTM", config("units", 2), Map.of()), 3).resetAfter()).isFalse();
    }

    /** Keras 3 caps 1/||x|| at 1/1e-7; Keras 2's l2_normalize floors ||x||^2 at 1e-12, i.e. caps it at 1e6. */
    @Test
    void dotNormalizeCapsTheInverseNormByKerasVersion() {
        LayerSpec dot = layer("Dot", config("axes", 1, "normalize", true), Map.of());
        assertThat(DotOptions.of(dot, 3).maxInverseNorm()).isEqualTo(1e7);
        assertThat(DotOptions.of(dot, 2).maxInverseNorm()).isEqualTo(1e6);
        assertThat(DotOptions.of(layer("Dot", config("axes", List.of(1, 2)), Map.of()), 3).kerasAxes())
                .containsExactly(1, 2);
    }

    @Test
    void weightNamesFollowKerasCreationOrder() {
        assertThat(LayerRegistry.weightNames("Conv2DTranspose", config("use_bias", true)))
                .containsExactly("kernel", "bias");
        assertThat(LayerRegistry.weightNames("GroupNormalization", config("center", false)))
                .containsExactly("gamma");
        assertThat(LayerRegistry.weightNames("Normalization", config("mean", List.of(1.0))))
                .isEmpty();
        assertThat(LayerRegistry.weightNames("Functional", config())).isEmpty();
    }
}
