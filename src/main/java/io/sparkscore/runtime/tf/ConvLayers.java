package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Tensor;
import io.sparkscore.model.layers.WindowOptions;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.op.nn.Conv3d;
import org.tensorflow.op.nn.DepthwiseConv2dNative;
import org.tensorflow.types.TFloat32;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BinaryOperator;

/**
 * Convolutions over 1 to 3 spatial axes: ordinary (Conv1D/2D/3D), depthwise (DepthwiseConv1D/2D) and separable
 * (SeparableConv1D/2D: depthwise, then a 1x1 pointwise convolution). One spatial axis runs as a 2-D convolution over
 * a height of 1. Keras' 'same' padding is TensorFlow's SAME (the extra pad goes at the end); 'causal' pads
 * {@code (k - 1) * dilation} steps at the start and then runs 'valid'.
 */
final class ConvLayers implements TfLayerBuilder {

    enum Kind { STANDARD, DEPTHWISE, SEPARABLE }

    private final int rank;
    private final Kind kind;

    ConvLayers(int rank, Kind kind) {
        this.rank = rank;
        this.kind = kind;
    }

    @Override
    public void validate(LayerSpec layer) {
        LayerConfig c = layer.config();
        ReshapingLayers.channelsFirst(layer);
        String padding = rank == 1 ? Spatial.padding(layer, "valid", "same", "causal")
                : Spatial.padding(layer, "valid", "same");
        WindowOptions w = WindowOptions.of(layer);
        int[] strides = w.strides();
        int[] dilation = w.dilation();
        if (Arrays.stream(strides).anyMatch(s -> s > 1) && Arrays.stream(dilation).anyMatch(d -> d > 1)) {
            throw c.unsupported("strides " + Arrays.toString(strides) + " together with dilation_rate "
                    + Arrays.toString(dilation) + " is not supported (Keras refuses it too)");
        }
        if (rank == 3 && Arrays.stream(dilation).anyMatch(d -> d != 1)) {
            // TensorFlow's Conv3D kernel applies the rates to the wrong axes here (its output shape differs from
            // Keras'), so the tf path refuses rather than score it wrongly; the jvm path runs it
            throw c.unsupported("dilation_rate " + Arrays.toString(dilation) + " is not supported for Conv3D on the"
                    + " tf path; use the jvm path");
        }
        int groups = c.getInt("groups", 1);
        if (groups != 1 && (kind != Kind.STANDARD || rank == 3)) {
            throw c.unsupported("groups=" + groups + " is supported for Conv1D and Conv2D only");
        }
        if (groups < 1 || (kind == Kind.STANDARD && layer.weight("kernel").dim(-1) % groups != 0)) {
            throw c.unsupported("groups=" + groups + " does not divide the " + layer.weight("kernel").dim(-1)
                    + " filters");
        }
        if (padding.equals("causal") && kind == Kind.DEPTHWISE) {
            throw c.unsupported("padding 'causal' is not supported for depthwise convolution");
        }
        kernelShapeCheck(layer);
        if (c.getBoolean("use_bias", true)) {
            layer.weight("bias");
        }
        TfActivations.of(layer, "activation");
    }

    private void kernelShapeCheck(LayerSpec layer) {
        String[] names = switch (kind) {
            case STANDARD -> new String[] {"kernel"};
            case DEPTHWISE -> new String[] {"depthwise_kernel"};
            case SEPARABLE -> new String[] {"depthwise_kernel", "pointwise_kernel"};
        };
        for (String n : names) {
            Tensor k = layer.weight(n);
            if (k.rank() != rank + 2) {
                throw layer.config().unsupported("weight '" + n + "' has shape " + Arrays.toString(k.shape())
                        + "; expected " + (rank + 2) + " dimensions (spatial..., in, out)");
            }
        }
    }

    @Override
    public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
        LayerConfig c = layer.config();
        boolean channelsFirst = ReshapingLayers.channelsFirst(layer);
        WindowOptions w = WindowOptions.of(layer);
        String padding = w.padding();
        int[] strides = w.strides();
        int[] dilation = w.dilation();
        Operand<TFloat32> x = Spatial.toChannelsLast(ops, inputs.get(0), channelsFirst);
        if (padding.equals("causal")) {
            int k = (kind == Kind.STANDARD ? layer.weight("kernel") : layer.weight("depthwise_kernel")).dim(0);
            x = ops.tf().pad(x, ops.tf().constant(new int[][] {{0, 0}, {(k - 1) * dilation[0], 0}, {0, 0}}),
                    ops.scalar(0));
            padding = "valid";
        }
        if (rank == 1) {
            x = ops.tf().expandDims(x, ops.scalarInt(1));
        }
        String tfPadding = padding.toUpperCase(Locale.ROOT);
        Ops tf = ops.tf();
        Operand<TFloat32> y = rank == 3
                ? tf.nn.conv3d(x, ops.constant(layer.weight("kernel")), TfOps.longList(1, strides[0], strides[1],
                        strides[2], 1), tfPadding, Conv3d.dilations(TfOps.longList(1, dilation[0], dilation[1],
                        dilation[2], 1)))
                : conv2d(ops, layer, x, tfPadding, spatial4(strides), spatial4(dilation));
        if (rank == 1) {
            y = tf.squeeze(y, Squeeze.axis(List.of(1L)));
        }
        if (c.getBoolean("use_bias", true)) {
            y = ops.add(y, ops.constant(layer.weight("bias")));
        }
        y = TfActivations.apply(ops, TfActivations.of(layer, "activation"), y);
        return Spatial.fromChannelsLast(ops, y, channelsFirst);
    }

    /** The 2-D (or height-1 1-D) convolution of each kind, on a channels_last input. */
    private Operand<TFloat32> conv2d(TfOps ops, LayerSpec layer, Operand<TFloat32> x, String tfPadding,
                                     List<Long> strides4, List<Long> dilations4) {
        Ops tf = ops.tf();
        return switch (kind) {
            case STANDARD -> grouped(ops, x, kernel2d(ops, layer.weight("kernel")), layer.config().getInt("groups", 1),
                    (xg, kg) -> tf.nn.conv2d(xg, kg, strides4, tfPadding, Conv2d.dilations(dilations4)));
            case DEPTHWISE -> tf.nn.depthwiseConv2dNative(x, kernel2d(ops, layer.weight("depthwise_kernel")),
                    strides4, tfPadding, DepthwiseConv2dNative.dilations(dilations4));
            case SEPARABLE -> tf.nn.conv2d(
                    tf.nn.depthwiseConv2dNative(x, kernel2d(ops, layer.weight("depthwise_kernel")), strides4,
                            tfPadding, DepthwiseConv2dNative.dilations(dilations4)),
                    kernel2d(ops, layer.weight("pointwise_kernel")), TfOps.longList(1, 1, 1, 1), "VALID");
        };
    }

    /**
     * Grouped convolution as Keras defines it: input channels and filters split into {@code groups} equal parts, part
     * g of the filters seeing only part g of the channels; run as one convolution per group, outputs concatenated.
     */
    private static Operand<TFloat32> grouped(TfOps ops, Operand<TFloat32> x, Operand<TFloat32> kernel, int groups,
                                             BinaryOperator<Operand<TFloat32>> conv) {
        if (groups == 1) {
            return conv.apply(x, kernel);
        }
        List<? extends Operand<TFloat32>> xs = ops.tf().split(ops.scalarInt(3), x, (long) groups).output();
        List<? extends Operand<TFloat32>> ks = ops.tf().split(ops.scalarInt(3), kernel, (long) groups).output();
        List<Operand<TFloat32>> parts = new java.util.ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            parts.add(conv.apply(xs.get(g), ks.get(g)));
        }
        return ops.concat(parts, 3);
    }

    /** A 1-D kernel [k, in, out] gains a leading height of 1; 2-D kernels are used as stored. */
    private Operand<TFloat32> kernel2d(TfOps ops, Tensor kernel) {
        if (rank == 2) {
            return ops.constant(kernel);
        }
        int[] s = kernel.shape();
        return ops.constant(new int[] {1, s[0], s[1], s[2]}, kernel.data());
    }

    private List<Long> spatial4(int[] perAxis) {
        return rank == 1 ? TfOps.longList(1, 1, perAxis[0], 1) : TfOps.longList(1, perAxis[0], perAxis[1], 1);
    }
}
