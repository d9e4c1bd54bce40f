package io.sparkscore.runtime.jvm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sparkscore.runtime.jvm.Specs.assertClose;
import static io.sparkscore.runtime.jvm.Specs.config;
import static io.sparkscore.runtime.jvm.Specs.layer;
import static io.sparkscore.runtime.jvm.Specs.run;
import static io.sparkscore.runtime.jvm.Specs.shape;
import static io.sparkscore.runtime.jvm.Specs.tensor;

class ConvolutionLayersTest {

    @Test
    void conv3dWithDilationOnOneAxisSkipsThoseCells() {
        // width 3, kernel width 2 dilated by 2: out = 1 * x[0] + 10 * x[2] at each of the two depths
        var conv = layer("c", "Conv3D", config("filters", 1, "kernel_size", List.of(1, 1, 2), "dilation_rate",
                List.of(1, 1, 2), "use_bias", false), tensor("kernel", shape(1, 1, 2, 1, 1), 1, 10));
        assertClose(run(shape(2, 1, 3, 1), conv, 1, 2, 3, 4, 5, 6), 31, 64);
    }

    @Test
    void conv1dCausalWithDilation2PadsOnlyOnTheLeft() {
        // out[t] = 1 * x[t-4] + 2 * x[t-2] + 3 * x[t], missing steps are zero
        var conv = layer("c", "Conv1D", config("filters", 1, "kernel_size", List.of(3), "padding", "causal",
                "dilation_rate", List.of(2), "use_bias", false), tensor("kernel", shape(3, 1, 1), 1, 2, 3));
        assertClose(run(shape(5, 1), conv, 1, 2, 3, 4, 5), 3, 6, 11, 16, 22);
    }

    @Test
    void conv1dSameWithAnEvenKernelPadsMoreOnTheRight() {
        // total padding 1 goes after: out[t] = x[t] + 10 * x[t+1]
        var conv = layer("c", "Conv1D", config("filters", 1, "kernel_size", 2, "padding", "same"),
                tensor("kernel", shape(2, 1, 1), 1, 10), tensor("bias", shape(1), 0));
        assertClose(run(shape(3, 1), conv, 1, 2, 3), 21, 32, 3);
    }

    @Test
    void conv1dWithGroupsConvolvesEachChannelGroupSeparately() {
        // group 0 (channels 0, 1) -> filter 0 = 1*x0 + 2*x1; group 1 (channels 2, 3) -> filter 1 = 10*x2 + 20*x3
        var conv = layer("c", "Conv1D", config("filters", 2, "kernel_size", 1, "groups", 2, "use_bias", false),
                tensor("kernel", shape(1, 2, 2), 1, 10, 2, 20));
        assertClose(run(shape(1, 4), conv, 1, 2, 3, 4), 5, 110);
    }

    @Test
    void conv2dValidComputesEveryFilterAtEveryPosition() {
        // filter 0 is the identity diagonal, filter 1 sums the window; bias [0, 1]
        var conv = layer("c", "Conv2D", config("filters", 2, "kernel_size", List.of(2, 2), "activation", "linear"),
                tensor("kernel", shape(2, 2, 1, 2), 1, 1, 0, 1, 0, 1, 1, 1), tensor("bias", shape(2), 0, 1));
        assertClose(run(shape(3, 3, 1), conv, 1, 2, 3, 4, 5, 6, 7, 8, 9),
                6, 13, 8, 17, 12, 25, 14, 29);
    }

    @Test
    void conv2dSameWithAnEvenKernelPadsBottomAndRight() {
        var conv = layer("c", "Conv2D", config("filters", 1, "kernel_size", 2, "padding", "same", "use_bias", false),
                tensor("kernel", shape(2, 2, 1, 1), 1, 1, 1, 1));
        assertClose(run(shape(2, 2, 1), conv, 1, 2, 3, 4), 10, 6, 7, 4);
    }

    @Test
    void conv2dHonoursStridesAndDilation() {
        var strided = layer("c", "Conv2D", config("filters", 1, "kernel_size", 1, "strides", List.of(2, 2),
                "use_bias", false), tensor("kernel", shape(1, 1, 1, 1), 2));
        assertClose(run(shape(3, 3, 1), strided, 1, 2, 3, 4, 5, 6, 7, 8, 9), 2, 6, 14, 18);
        var dilated = layer("c", "Conv2D", config("filters", 1, "kernel_size", 2, "dilation_rate", 2,
                "use_bias", false), tensor("kernel", shape(2, 2, 1, 1), 1, 2, 3, 4));
        assertClose(run(shape(3, 3, 1), dilated, 1, 2, 3, 4, 5, 6, 7, 8, 9), 1 + 2 * 3 + 3 * 7 + 4 * 9);
    }

    @Test
    void conv2dAppliesItsActivation() {
        var conv = layer("c", "Conv2D", config("filters", 1, "kernel_size", 1, "activation", "relu",
                "use_bias", false), tensor("kernel", shape(1, 1, 1, 1), -1));
        assertClose(run(shape(1, 2, 1), conv, 1, -2), 0, 2);
    }

    @Test
    void depthwiseConv2dMultipliesEachChannelByItsOwnKernels() {
        // depth_multiplier 2: output channels (c0*1, c0*2, c1*3, c1*4)
        var dw = layer("dw", "DepthwiseConv2D", config("kernel_size", 1, "depth_multiplier", 2, "use_bias", false),
                tensor("depthwise_kernel", shape(1, 1, 2, 2), 1, 2, 3, 4));
        assertClose(run(shape(1, 1, 2), dw, 5, 7), 5, 10, 21, 28);
        var window = layer("dw", "DepthwiseConv2D", config("kernel_size", 2),
                tensor("depthwise_kernel", shape(2, 2, 1, 1), 1, 1, 1, 1), tensor("bias", shape(1), 0.5f));
        assertClose(run(shape(2, 2, 1), window, 1, 2, 3, 4), 10.5);
    }

    @Test
    void separableConv1dIsDepthwiseThenPointwisePlusBias() {
        // depthwise: [[1*2, 2*3], [3*2, 4*3]] = [[2, 6], [6, 12]]; pointwise sums channels; bias 1
        var sep = layer("s", "SeparableConv1D", config("filters", 1, "kernel_size", 1),
                tensor("depthwise_kernel", shape(1, 2, 1), 2, 3), tensor("pointwise_kernel", shape(1, 2, 1), 1, 1),
                tensor("bias", shape(1), 1));
        assertClose(run(shape(2, 2), sep, 1, 2, 3, 4), 9, 19);
    }

    @Test
    void separableConv2dWithSamePadding() {
        var sep = layer("s", "SeparableConv2D", config("filters", 2, "kernel_size", 2, "padding", "same",
                "use_bias", false), tensor("depthwise_kernel", shape(2, 2, 1, 1), 1, 1, 1, 1),
                tensor("pointwise_kernel", shape(1, 1, 1, 2), 1, -1));
        assertClose(run(shape(2, 2, 1), sep, 1, 2, 3, 4), 10, -10, 6, -6, 7, -7, 4, -4);
    }
}
