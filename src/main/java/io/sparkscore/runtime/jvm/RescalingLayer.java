package io.sparkscore.runtime.jvm;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.layers.RescalingOptions;

import java.util.Arrays;

/** Keras Rescaling: {@code x * scale + offset}, each one value or one per channel (the last axis). */
final class RescalingLayer implements JvmLayer {

    private final float[] scale;
    private final float[] offset;
    private final int channels;
    private final int rowSize;

    RescalingLayer(LayerSpec layer, int[] inShape) {
        RescalingOptions o = RescalingOptions.of(layer);
        this.rowSize = Weights.size(inShape);
        this.channels = inShape[inShape.length - 1];
        this.scale = perChannel(layer, "scale", o.scale(), channels);
        this.offset = perChannel(layer, "offset", o.offset(), channels);
    }

    /** One value per channel: a single value is repeated, a list must match the channels. */
    static float[] perChannel(LayerSpec layer, String key, float[] values, int channels) {
        if (values.length == channels) {
            return values;
        }
        if (values.length != 1) {
            throw layer.config().unsupported("'" + key + "' has " + values.length + " values but the input has "
                    + channels + " channels (the last axis)");
        }
        float[] r = new float[channels];
        Arrays.fill(r, values[0]);
        return r;
    }

    @Override
    public void forward(float[][] inputs, int rows, float[] output, float[] scratch, int scratchOffset) {
        float[] in = inputs[0];
        int n = rows * rowSize;
        for (int p = 0, c = 0; p < n; p++) {
            output[p] = in[p] * scale[c] + offset[c];
            c = c + 1 == channels ? 0 : c + 1;
        }
    }
}
