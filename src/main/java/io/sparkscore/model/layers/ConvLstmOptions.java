package io.sparkscore.model.layers;

import io.sparkscore.model.Activation;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ShapeInference;
import io.sparkscore.model.Shapes;
import io.sparkscore.model.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The options of ConvLSTM1D/2D/3D: an LSTM (gates i, f, c, o in that order along the kernels' last axis) whose
 * products are convolutions. Per step {@code z = conv(x_t, kernel; strides, padding, dilation) + bias +
 * conv(h, recurrent_kernel; stride 1, 'same')}, then {@code c = f·c + i·activation(z_c)}, {@code h =
 * o·activation(c)} with {@code recurrent_activation} on i, f and o, as Keras' ConvLSTMCell computes it. Both paths
 * build the two convolutions as the plain Conv layers {@link #inputConvolution} and {@link #recurrentConvolution}
 * describe, so the convolution arithmetic is the one Conv1D/2D/3D already have. channels_first inputs (time, channels,
 * spatial...) are computed as Keras defines them: each step with its channels moved last, the output's filters moved
 * back after the time axis.
 */
public record ConvLstmOptions(int rank, int filters, WindowOptions window, Activation activation,
                              Activation recurrentActivation, boolean useBias, boolean returnSequences,
                              boolean goBackwards) implements LayerOptions {

    public static ConvLstmOptions of(LayerSpec layer, int kerasMajor) {
        LayerConfig c = layer.config();
        int rank = SpatialAxes.rank(layer.className());
        WindowOptions w = WindowOptions.of(layer);
        if (!w.padding().equals("valid") && !w.padding().equals("same")) {
            throw c.unsupported("padding '" + w.padding() + "' is not one of valid, same");
        }
        int filters = c.requireInt("filters");
        // Keras 2's default recurrent activation is hard_sigmoid, Keras 3's sigmoid
        String recurrent = c.getString("recurrent_activation", kerasMajor >= 3 ? "sigmoid" : "hard_sigmoid_keras2");
        return new ConvLstmOptions(rank, filters, w,
                Activation.of(c.getString("activation", "tanh"), layer.name(), layer.className()),
                Activation.of(recurrent, layer.name(), layer.className()),
                c.getBoolean("use_bias", true), c.getBoolean("return_sequences", false),
                c.getBoolean("go_backwards", false));
    }

    /** The per-step input convolution: all four gates' filters, the layer's window options and bias. */
    public LayerSpec inputConvolution(LayerSpec layer) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("kernel", layer.weight("kernel"));
        if (useBias) {
            weights.put("bias", layer.weight("bias"));
        }
        return convolution(layer, "_input", window.strides(), window.padding(), window.dilation(), useBias, weights);
    }

    /** The per-step recurrent convolution of the state: stride 1, 'same' padding, no dilation, no bias. */
    public LayerSpec recurrentConvolution(LayerSpec layer) {
        int[] ones = SpatialAxes.filled(rank, 1);
        return convolution(layer, "_recurrent", ones, "same", ones, false,
                Map.of("kernel", layer.weight("recurrent_kernel")));
    }

    private LayerSpec convolution(LayerSpec layer, String suffix, int[] strides, String padding, int[] dilation,
                                  boolean bias, Map<String, Tensor> weights) {
        String cls = "Conv" + rank + "D";
        String name = layer.name() + suffix;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("filters", 4 * filters);
        c.put("kernel_size", ints(window.window()));
        c.put("strides", ints(strides));
        c.put("padding", padding);
        c.put("data_format", "channels_last");
        c.put("dilation_rate", ints(dilation));
        c.put("groups", 1);
        c.put("activation", "linear");
        c.put("use_bias", bias);
        return new LayerSpec(name, cls, new LayerConfig(name, cls, c), weights);
    }

    private static List<Object> ints(int[] v) {
        return Arrays.stream(v).boxed().map(i -> (Object) i).toList();
    }

    public boolean channelsFirst() {
        return window.channelsFirst();
    }

    /**
     * (time, spatial..., channels) to (time?, output spatial..., filters); channels_first: (time, channels,
     * spatial...) to (time?, filters, output spatial...).
     */
    static int[] outputShape(LayerSpec layer, List<int[]> inputs) {
        int[] x = inputs.get(0);
        ConvLstmOptions o = of(layer, 3);
        LayerConfig c = layer.config();
        if (x.length != o.rank() + 2) {
            throw c.unsupported(layer.className() + " expects inputs of shape (timesteps, " + o.rank()
                    + " spatial dimensions, channels) but got " + Shapes.format(x));
        }
        int[] out = new int[o.rank() + (o.returnSequences() ? 2 : 1)];
        int at = 0;
        if (o.returnSequences()) {
            out[at++] = x[0];
        }
        if (o.channelsFirst()) {
            out[at++] = o.filters();
        }
        int firstSpatial = o.channelsFirst() ? 2 : 1;
        for (int i = 0; i < o.rank(); i++) {
            out[at++] = ShapeInference.windowOutputLength(c, x[firstSpatial + i], o.window().window()[i],
                    o.window().strides()[i], o.window().dilation()[i], o.window().padding().toLowerCase(Locale.ROOT));
        }
        if (!o.channelsFirst()) {
            out[at] = o.filters();
        }
        return out;
    }
}
