package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Tensor;
import io.sparkscore.model.layers.SpatialAxes;
import io.sparkscore.model.layers.WindowOptions;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Conv1DTranspose, Conv2DTranspose and Conv3DTranspose: TensorFlow's convolution input-gradient ops with the output
 * size Keras computes ({@code deconv_output_length}, honouring {@code output_padding}). Kernels are stored
 * (spatial..., filters, in_channels), the layout the ops take.
 */
final class ConvTransposeLayers implements TfLayerBuilder {

    private final int rank;

    ConvTransposeLayers(int rank) {
        this.rank = rank;
    }

    @Override
    public void validate(LayerSpec layer) {
        LayerConfig c = layer.config();
        ReshapingLayers.channelsFirst(layer);
        Spatial.padding(layer, "valid", "same");
        int[] dilation = WindowOptions.of(layer).dilation();
        if (Arrays.stream(dilation).anyMatch(d -> d != 1)) {
            throw c.unsupported("dilation_rate " + Arrays.toString(dilation) + " is not supported for transposed"
                    + " convolution (TensorFlow's CPU kernels do not dilate it)");
        }
        if (layer.weight("kernel").rank() != rank + 2) {
            throw c.unsupported("weight 'kernel' should have " + (rank + 2) + " dimensions");
        }
        if (c.getBoolean("use_bias", true)) {
            layer.weight("bias");
        }
        TfActivations.of(layer, "activation");
    }

    @Override
    public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
        LayerConfig c = layer.config();
        Ops tf = ops.tf();
        boolean channelsFirst = ReshapingLayers.channelsFirst(layer);
        WindowOptions w = WindowOptions.of(layer);
        String padding = w.padding();
        int[] strides = w.strides();
        int[] outputPadding = w.outputPadding();
        Tensor kernel = layer.weight("kernel");
        int filters = kernel.dim(rank);

        Operand<TFloat32> x = Spatial.toChannelsLast(ops, inputs.get(0), channelsFirst);
        int[] in = TfOps.shape(x);
        int[] out = new int[rank + 1];
        for (int i = 0; i < rank; i++) {
            out[i] = SpatialAxes.transposedLength(c, in[i], kernel.dim(i), padding,
                    outputPadding == null ? null : outputPadding[i], strides[i], 1);
        }
        out[rank] = filters;

        Operand<TFloat32> filter = ops.constant(kernel);
        int[] opOut = out;
        List<Long> opStrides;
        if (rank == 1) {
            x = tf.expandDims(x, ops.scalarInt(1));
            filter = ops.constant(new int[] {1, kernel.dim(0), kernel.dim(1), kernel.dim(2)}, kernel.data());
            opOut = new int[] {1, out[0], out[1]};
            opStrides = TfOps.longList(1, 1, strides[0], 1);
        } else if (rank == 2) {
            opStrides = TfOps.longList(1, strides[0], strides[1], 1);
        } else {
            opStrides = TfOps.longList(1, strides[0], strides[1], strides[2], 1);
        }
        Operand<TInt32> batch = tf.slice(tf.shape(x), ops.ints(0), ops.ints(1));
        Operand<TInt32> sizes = tf.concat(List.of(batch, ops.ints(opOut)), ops.scalarInt(0));
        String tfPadding = padding.toUpperCase(Locale.ROOT);
        Operand<TFloat32> y = rank == 3
                ? tf.nn.conv3dBackpropInput(sizes, filter, x, opStrides, tfPadding)
                : tf.nn.conv2dBackpropInput(sizes, filter, x, opStrides, tfPadding);
        // the output size is computed at run time from the batch; restate the static shape for later layers
        y = ops.reshape(y, out);
        if (c.getBoolean("use_bias", true)) {
            y = ops.add(y, ops.constant(layer.weight("bias")));
        }
        y = TfActivations.apply(ops, TfActivations.of(layer, "activation"), y);
        return Spatial.fromChannelsLast(ops, y, channelsFirst);
    }
}
