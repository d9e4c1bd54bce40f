package io.sparkscore.model;

import io.sparkscore.model.layers.LayerRegistry;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.sparkscore.model.TestSpecs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShapeInferenceTest {

    private static LayerSpec layer(String cls, Map<String, Object> config, LayerSpec... children) {
        return new LayerSpec("l", cls, new LayerConfig("l", cls, config), Map.of(), List.of(children));
    }

    private static int[] out(String cls, Map<String, Object> config, int[]... inputs) {
        return ShapeInference.outputShape(layer(cls, config), List.of(inputs));
    }

    private static int[] s(int... dims) {
        return dims;
    }

    @Test
    void convolutionLengthsFollowKerasConvOutputLength() {
        // valid: (10 - 3) / 2 + 1 = 4; same: ceil(10 / 2) = 5; causal: same length as same
        assertThat(out("Conv1D", config("filters", 8, "kernel_size", List.of(3), "strides", List.of(2)), s(10, 4)))
                .containsExactly(4, 8);
        assertThat(out("Conv1D", config("filters", 8, "kernel_size", 3, "strides", 2, "padding", "same"), s(10, 4)))
                .containsExactly(5, 8);
        assertThat(out("Conv1D", config("filters", 2, "kernel_size", 3, "dilation_rate", 2, "padding", "causal"),
                s(10, 4))).containsExactly(10, 2);
        // dilation 2 widens a 3-tap kernel to span 5: 10 - 5 + 1 = 6
        assertThat(out("Conv1D", config("filters", 2, "kernel_size", 3, "dilation_rate", 2), s(10, 4)))
                .containsExactly(6, 2);
        assertThat(out("Conv2D", config("filters", 3, "kernel_size", List.of(3, 2)), s(5, 5, 1)))
                .containsExactly(3, 4, 3);
        assertThat(out("Conv2D", config("filters", 3, "kernel_size", 3, "data_format", "channels_first"),
                s(1, 5, 6))).containsExactly(3, 3, 4);
    }

    @Test
    void depthwiseAndSeparableChannels() {
        assertThat(out("DepthwiseConv2D", config("kernel_size", 3, "depth_multiplier", 2, "padding", "same"),
                s(4, 4, 3))).containsExactly(4, 4, 6);
        assertThat(out("SeparableConv2D", config("filters", 5, "kernel_size", 3), s(4, 4, 3)))
                .containsExactly(2, 2, 5);
    }

    @Test
    void poolingDefaultsStridesToThePoolSize() {
        assertThat(out("MaxPooling1D", config("pool_size", 2), s(7, 3))).containsExactly(3, 3);
        assertThat(out("MaxPooling1D", config("pool_size", 2, "padding", "same"), s(7, 3))).containsExactly(4, 3);
        assertThat(out("AveragePooling2D", config("pool_size", List.of(3, 3), "strides", List.of(1, 1)),
                s(5, 6, 2))).containsExactly(3, 4, 2);
        assertThat(out("MaxPooling2D", config(), s(5, 6, 2))).containsExactly(2, 3, 2);
    }

    @Test
    void globalPoolingWithAndWithoutKeepdims() {
        assertThat(out("GlobalAveragePooling1D", config(), s(7, 3))).containsExactly(3);
        assertThat(out("GlobalMaxPooling2D", config("keepdims", true), s(4, 4, 3))).containsExactly(1, 1, 3);
        assertThat(out("GlobalMaxPooling1D", config("keepdims", true), s(7, 3))).containsExactly(1, 3);
    }

    @Test
    void paddingCroppingAndUpSampling() {
        assertThat(out("ZeroPadding1D", config("padding", 2), s(5, 3))).containsExactly(9, 3);
        assertThat(out("ZeroPadding2D", config("padding", List.of(List.of(1, 0), List.of(2, 3))), s(4, 4, 1)))
                .containsExactly(5, 9, 1);
        assertThat(out("ZeroPadding2D", config("padding", List.of(1, 2)), s(4, 4, 1))).containsExactly(6, 8, 1);
        assertThat(out("Cropping1D", config("cropping", List.of(1, 2)), s(5, 3))).containsExactly(2, 3);
        assertThat(out("Cropping2D", config("cropping", List.of(List.of(1, 1), List.of(0, 2))), s(4, 4, 1)))
                .containsExactly(2, 2, 1);
        assertThat(out("UpSampling1D", config(), s(3, 2))).containsExactly(6, 2);
        assertThat(out("UpSampling2D", config("size", List.of(2, 3)), s(3, 2, 1))).containsExactly(6, 6, 1);
    }

    @Test
    void shapeLayers() {
        assertThat(out("Flatten", config(), s(2, 3, 4))).containsExactly(24);
        assertThat(out("Reshape", config("target_shape", List.of(-1, 4)), s(2, 6))).containsExactly(3, 4);
        assertThat(out("Permute", config("dims", List.of(2, 1)), s(2, 6))).containsExactly(6, 2);
        assertThat(out("RepeatVector", config("n", 5), s(3))).containsExactly(5, 3);
        assertThat(out("Embedding", config("input_dim", 10, "output_dim", 4), s(7))).containsExactly(7, 4);
        assertThat(out("Dense", config("units", 4), s(7, 3))).containsExactly(7, 4);
        assertThat(out("LayerNormalization", config(), s(7, 3))).containsExactly(7, 3);
    }

    @Test
    void inputsOfTheWrongRankAreRefused() {
        assertThatThrownBy(() -> out("LSTM", config("units", 2), s(4)))
                .hasMessage("layer 'l' (LSTM): LSTM expects inputs of shape (timesteps, features) but got (4,)");
        assertThatThrownBy(() -> out("RepeatVector", config("n", 2), s(4, 2)))
                .hasMessage("layer 'l' (RepeatVector): RepeatVector expects inputs of shape (features,) but got"
                        + " (4, 2)");
        assertThatThrownBy(() -> out("Permute", config("dims", List.of(1, 1)), s(4, 2)))
                .hasMessage("layer 'l' (Permute): dims [1, 1] is not a permutation of 1..2");
    }

    @Test
    void reshapeRefusesAnImpossibleTarget() {
        assertThatThrownBy(() -> out("Reshape", config("target_shape", List.of(-1, 5)), s(2, 6)))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessage("layer 'l' (Reshape): cannot reshape (2, 6) into target_shape [-1, 5]");
    }

    @Test
    void recurrentAndWrappers() {
        LayerSpec lstm = layer("LSTM", config("units", 4, "return_sequences", true));
        assertThat(ShapeInference.outputShape(lstm, List.of(s(6, 3)))).containsExactly(6, 4);
        assertThat(out("GRU", config("units", 4), s(6, 3))).containsExactly(4);
        assertThat(ShapeInference.outputShape(layer("Bidirectional", config("merge_mode", "concat"), lstm, lstm),
                List.of(s(6, 3)))).containsExactly(6, 8);
        assertThat(ShapeInference.outputShape(layer("Bidirectional", config("merge_mode", "sum"), lstm, lstm),
                List.of(s(6, 3)))).containsExactly(6, 4);
        LayerSpec dense = layer("Dense", config("units", 2));
        assertThat(ShapeInference.outputShape(layer("TimeDistributed", config(), dense), List.of(s(6, 3))))
                .containsExactly(6, 2);
        LayerSpec conv = layer("Conv1D", config("filters", 2, "kernel_size", 3));
        assertThat(ShapeInference.outputShape(layer("TimeDistributed", config(), conv), List.of(s(6, 5, 3))))
                .containsExactly(6, 3, 2);
    }

    @Test
    void mergeLayers() {
        assertThat(out("Concatenate", config("axis", -1), s(3, 2), s(3, 5))).containsExactly(3, 7);
        assertThat(out("Concatenate", config("axis", 1), s(3, 2), s(1, 2))).containsExactly(4, 2);
        assertThat(out("Add", config(), s(3, 2), s(3, 2), s(3, 2))).containsExactly(3, 2);
        assertThat(out("Multiply", config(), s(3, 1), s(1, 2))).containsExactly(3, 2);
        assertThat(out("Maximum", config(), s(2), s(3, 2))).containsExactly(3, 2);
        assertThatThrownBy(() -> out("Add", config(), s(3), s(4)))
                .hasMessage("layer 'l' (Add): input shapes [(3,), (4,)] cannot be broadcast");
    }

    @Test
    void dotDropsTheContractedAxes() {
        assertThat(out("Dot", config("axes", 1), s(4), s(4))).containsExactly(1);
        assertThat(out("Dot", config("axes", List.of(2, 1)), s(3, 4), s(4, 5))).containsExactly(3, 5);
        assertThat(out("Dot", config("axes", -1), s(3, 4), s(5, 4))).containsExactly(3, 5);
    }

    @Test
    void inferFollowsTheGraphAndNamesEveryTensor() {
        LayerSpec dense = new LayerSpec("d", "Dense", new LayerConfig("d", "Dense", config("units", 2)), Map.of());
        LayerSpec add = new LayerSpec("a", "Add", new LayerConfig("a", "Add", config()), Map.of());
        ModelSpec spec = new ModelSpec("g", "programmatic", "3",
                List.of(new InputSpec("x", s(5), "float32"), new InputSpec("y", s(3), "float32")),
                List.of(dense, add), List.of(new NodeSpec("dx", "d", List.of("x")),
                new NodeSpec("dy", "d", List.of("y")), new NodeSpec("sum", "a", List.of("dx", "dy"))),
                List.of("sum"));
        Map<String, int[]> shapes = new HashMap<>(ShapeInference.infer(spec));
        assertThat(shapes.keySet()).containsExactlyInAnyOrder("x", "y", "dx", "dy", "sum");
        assertThat(shapes.get("sum")).containsExactly(2);
    }

    @Test
    void openDimensionsPropagate() {
        assertThat(out("LSTM", config("units", 4, "return_sequences", true), s(-1, 3))).containsExactly(-1, 4);
        assertThat(out("Conv1D", config("filters", 2, "kernel_size", 3), s(-1, 3))).containsExactly(-1, 2);
        assertThat(out("Flatten", config(), s(-1, 3))).containsExactly(-1);
    }

    @Test
    void unknownLayerClassIsRefused() {
        assertThatThrownBy(() -> out("CustomLayer", config(), s(3)))
                .isInstanceOf(UnsupportedLayerException.class)
                .hasMessage("layer 'l' (CustomLayer): layer class 'CustomLayer' is not supported; supported layers: "
                        + LayerRegistry.supportedList());
    }
}
