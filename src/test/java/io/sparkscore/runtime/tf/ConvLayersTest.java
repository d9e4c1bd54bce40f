package io.sparkscore.runtime.tf;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sparkscore.runtime.tf.TfTesting.assertClose;
import static io.sparkscore.runtime.tf.TfTesting.config;
import static io.sparkscore.runtime.tf.TfTesting.layer;
import static io.sparkscore.runtime.tf.TfTesting.predict;
import static io.sparkscore.runtime.tf.TfTesting.sequential;
import static io.sparkscore.runtime.tf.TfTesting.shape;
import static io.sparkscore.runtime.tf.TfTesting.tensor;
import static org.assertj.core.api.Assertions.assertThat;

class ConvLayersTest {

    @Test
    void causalConv1DWithDilationTwoLooksOnlyBackwards() {
        // kernel taps w0=1 (t-2), w1=10 (t); input 1..5, padded with two zeros at the start
        float[] out = predict(sequential(shape(5, 1),
                layer("conv", "Conv1D", config("filters", 1, "kernel_size", List.of(2), "padding", "causal",
                                "dilation_rate", List.of(2), "use_bias", true, "activation", "linear"),
                        tensor("kernel", shape(2, 1, 1), 1, 10), tensor("bias", shape(1), 0.5f))), 1, 1, 2, 3, 4, 5);
        assertClose(out, 10.5f, 20.5f, 31.5f, 42.5f, 53.5f);
    }

    @Test
    void conv1DWithStrideAndTwoChannels() {
        // input (4, 2); kernel size 2, one filter summing channel 0 and subtracting channel 1
        float[] out = predict(sequential(shape(4, 2),
                layer("conv", "Conv1D", config("filters", 1, "kernel_size", 2, "strides", 2, "padding", "valid",
                                "use_bias", false, "activation", "relu"),
                        tensor("kernel", shape(2, 2, 1), 1, -1, 1, -1))), 1, 1, 0, 2, 0, 0, 5, 3, 1);
        assertClose(out, 3, 0);
    }

    @Test
    void conv2DSameWithAnEvenKernelPadsMoreAtTheEnd() {
        // 3x3 input 1..9, 2x2 kernel of ones: 'same' pads 0 rows/cols before and 1 after
        float[] out = predict(sequential(shape(3, 3, 1),
                layer("conv", "Conv2D", config("filters", 1, "kernel_size", List.of(2, 2), "padding", "same",
                                "use_bias", false),
                        tensor("kernel", shape(2, 2, 1, 1), 1, 1, 1, 1))), 1, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertClose(out, 12, 16, 9, 24, 28, 15, 15, 17, 9);
    }

    @Test
    void conv2DChannelsFirstMatchesChannelsLast() {
        float[] kernel = {1, -1, 2, 0.5f, 0, 1, -2, 1, 3, 1, 1, 0, 0, 2, -1, 1};
        float[] nhwc = new float[2 * 3 * 2];
        for (int i = 0; i < nhwc.length; i++) {
            nhwc[i] = i * 0.5f - 2;
        }
        float[] nchw = new float[nhwc.length];
        for (int h = 0; h < 2; h++) {
            for (int w = 0; w < 3; w++) {
                for (int ch = 0; ch < 2; ch++) {
                    nchw[ch * 6 + h * 3 + w] = nhwc[(h * 3 + w) * 2 + ch];
                }
            }
        }
        float[] last = predict(sequential(shape(2, 3, 2), layer("conv", "Conv2D", config("filters", 2,
                "kernel_size", 2, "padding", "same", "use_bias", true, "data_format", "channels_last"),
                tensor("kernel", shape(2, 2, 2, 2), kernel), tensor("bias", shape(2), 1, -1))), 1, nhwc);
        float[] first = predict(sequential(shape(2, 2, 3), layer("conv", "Conv2D", config("filters", 2,
                "kernel_size", 2, "padding", "same", "use_bias", true, "data_format", "channels_first"),
                tensor("kernel", shape(2, 2, 2, 2), kernel), tensor("bias", shape(2), 1, -1))), 1, nchw);
        for (int h = 0; h < 2; h++) {
            for (int w = 0; w < 3; w++) {
                for (int ch = 0; ch < 2; ch++) {
                    assertThat(first[ch * 6 + h * 3 + w]).isEqualTo(last[(h * 3 + w) * 2 + ch]);
                }
            }
        }
    }

    @Test
    void dilatedConv2D() {
        // 3x3 input, 2x2 kernel dilated by 2 touches the four corners
        float[] out = predict(sequential(shape(3, 3, 1),
                layer("conv", "Conv2D", config("filters", 1, "kernel_size", 2, "dilation_rate", 2, "use_bias", false),
                        tensor("kernel", shape(2, 2, 1, 1), 1, 10, 100, 1000))), 1, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertClose(out, 1 + 30 + 700 + 9000);
    }

    @Test
    void depthwiseConv2DWithDepthMultiplierTwo() {
        // 1x2 input with 2 channels, 1x2 kernel, multiplier 2: outputs ordered (channel, multiplier)
        float[] out = predict(sequential(shape(1, 2, 2),
                layer("dw", "DepthwiseConv2D", config("kernel_size", List.of(1, 2), "depth_multiplier", 2,
                                "use_bias", true),
                        // [kh=1, kw=2, in=2, m=2]
                        tensor("depthwise_kernel", shape(1, 2, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8),
                        tensor("bias", shape(4), 0, 0, 0, 100))), 1, 1, 10, 2, 20);
        // channel 0 values (1, 2): m0 = 1*1 + 2*5 = 11, m1 = 1*2 + 2*6 = 14
        // channel 1 values (10, 20): m0 = 10*3 + 20*7 = 170, m1 = 10*4 + 20*8 + 100 = 300
        assertClose(out, 11, 14, 170, 300);
    }

    @Test
    void separableConv1DIsDepthwiseThenPointwise() {
        float[] out = predict(sequential(shape(3, 2),
                layer("sep", "SeparableConv1D", config("filters", 1, "kernel_size", 2, "padding", "same",
                                "use_bias", true),
                        tensor("depthwise_kernel", shape(2, 2, 1), 1, 2, 3, 4),
                        tensor("pointwise_kernel", shape(1, 2, 1), 1, -1),
                        tensor("bias", shape(1), 0.5f))), 1, 1, 1, 2, 2, 3, 3);
        // depthwise ch0: t0 = 1*1 + 3*2 = 7, t1 = 2 + 3*3 = 11, t2 = 3 + 0 = 3
        //           ch1: t0 = 2*1 + 4*2 = 10, t1 = 2*2 + 4*3 = 16, t2 = 2*3 = 6
        assertClose(out, 7 - 10 + 0.5f, 11 - 16 + 0.5f, 3 - 6 + 0.5f);
    }

    @Test
    void groupedConv1DSeesOnlyItsOwnChannels() {
        // 2 channels, 2 groups, 2 filters: filter 0 sees channel 0 only (w 10), filter 1 channel 1 only (w 100)
        float[] out = predict(sequential(shape(1, 2), layer("conv", "Conv1D", config("filters", 2, "kernel_size", 1,
                        "groups", 2, "use_bias", false),
                tensor("kernel", shape(1, 1, 2), 10, 100))), 1, 3, 5);
        assertClose(out, 30, 500);
    }

    @Test
    void refusesGroupsThatDoNotDivideTheFilters() {
        assertThat(TfSupport.whyUnsupported(layer("conv", "Conv2D", config("filters", 2, "kernel_size", 1,
                "groups", 3), tensor("kernel", shape(1, 1, 1, 2), 1, 1), tensor("bias", shape(2), 0, 0))))
                .contains("groups=3 does not divide the 2 filters");
    }

    @Test
    void conv3DValid() {
        float[] out = predict(sequential(shape(1, 2, 2, 1), layer("conv", "Conv3D", config("filters", 1,
                        "kernel_size", List.of(1, 2, 1), "use_bias", true),
                tensor("kernel", shape(1, 2, 1, 1, 1), 1, 10), tensor("bias", shape(1), 1))), 1, 1, 2, 3, 4);
        assertClose(out, 32, 43);
    }

    @Test
    void conv1DTransposeValidWithStrideTwoSpreadsTheKernel() {
        float[] out = predict(sequential(shape(2, 1), layer("t", "Conv1DTranspose", config("filters", 1,
                        "kernel_size", 2, "strides", 2, "padding", "valid", "use_bias", false),
                tensor("kernel", shape(2, 1, 1), 1, 10))), 1, 1, 2);
        assertClose(out, 1, 10, 2, 20);
    }

    @Test
    void conv1DTransposeSameKeepsTheLength() {
        float[] out = predict(sequential(shape(3, 1), layer("t", "Conv1DTranspose", config("filters", 1,
                        "kernel_size", 3, "padding", "same", "use_bias", false),
                tensor("kernel", shape(3, 1, 1), 1, 10, 100))), 1, 1, 2, 3);
        assertClose(out, 12, 123, 230);
    }

    @Test
    void conv2DTransposeWithOutputPaddingAndTwoFilters() {
        // 1x1 input, kernel 2x2, stride 2, valid, output_padding 1 -> 3x3 output: the kernel in the top-left corner
        try (TfModel model = TfModel.load(sequential(shape(1, 1, 1), layer("t", "Conv2DTranspose", config(
                        "filters", 2, "kernel_size", 2, "strides", 2, "padding", "valid", "output_padding", 1,
                        "use_bias", false),
                tensor("kernel", shape(2, 2, 2, 1), 1, -1, 2, -2, 3, -3, 4, -4))),
                io.sparkscore.runtime.RuntimeOptions.singleThreaded());
             io.sparkscore.runtime.Predictor p = model.newPredictor(1)) {
            assertThat(model.signature().outputShapes()).containsExactly(new int[] {3, 3, 2});
            float[] out = new float[18];
            p.predict(new float[][] {{2}}, 1, new float[][] {out});
            assertClose(out, 2, -2, 4, -4, 0, 0, 6, -6, 8, -8, 0, 0, 0, 0, 0, 0, 0, 0);
        }
    }

    @Test
    void dilatedDepthwiseConv1D() {
        // taps at t and t+2 on one channel: 1*x[t] + 10*x[t+2]
        float[] out = predict(sequential(shape(4, 1), layer("dw", "DepthwiseConv1D", config("kernel_size", 2,
                        "dilation_rate", 2, "use_bias", false),
                tensor("depthwise_kernel", shape(2, 1, 1), 1, 10))), 1, 1, 2, 3, 4);
        assertClose(out, 31, 42);
    }

    @Test
    void dilatedSeparableConv2DSame() {
        float[] out = predict(sequential(shape(3, 3, 1), layer("sep", "SeparableConv2D", config("filters", 1,
                        "kernel_size", 2, "dilation_rate", 2, "padding", "same", "use_bias", false),
                tensor("depthwise_kernel", shape(2, 2, 1, 1), 1, 0, 0, 1),
                tensor("pointwise_kernel", shape(1, 1, 1, 1), 2))), 1, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        // dilated 2x2 kernel spans 3x3; 'same' pads 1 before and 1 after: out = 2 * (x[i-1][j-1] + x[i+1][j+1])
        assertClose(out, 2 * 5, 2 * 6, 0, 2 * 8, 2 * (1 + 9), 2 * 2, 0, 2 * 4, 2 * 5);
    }
}
