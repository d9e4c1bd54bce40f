package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

import java.util.List;
import java.util.Locale;

/**
 * Shared rules of spatial layers (convolution, pooling, padding): data formats and Keras' tuple options. TensorFlow's
 * CPU kernels want channels last, so channels_first tensors are transposed in and back out.
 */
final class Spatial {

    private Spatial() {
    }

    /** Moves channels from axis 1 to the end; identity for channels_last. */
    static Operand<TFloat32> toChannelsLast(TfOps ops, Operand<TFloat32> x, boolean channelsFirst) {
        int rank = TfOps.rank(x);
        if (!channelsFirst || rank < 3) {
            return x;
        }
        int[] perm = new int[rank];
        for (int i = 1; i < rank - 1; i++) {
            perm[i] = i + 1;
        }
        perm[rank - 1] = 1;
        return ops.transpose(x, perm);
    }

    /** Moves channels from the end back to axis 1; identity for channels_last. */
    static Operand<TFloat32> fromChannelsLast(TfOps ops, Operand<TFloat32> x, boolean channelsFirst) {
        int rank = TfOps.rank(x);
        if (!channelsFirst || rank < 3) {
            return x;
        }
        int[] perm = new int[rank];
        perm[1] = rank - 1;
        for (int i = 2; i < rank; i++) {
            perm[i] = i - 1;
        }
        return ops.transpose(x, perm);
    }

    /** Keras' padding option, lower-cased and checked against what the layer accepts. */
    static String padding(LayerSpec layer, String... allowed) {
        String p = layer.config().getString("padding", "valid").toLowerCase(Locale.ROOT);
        if (!List.of(allowed).contains(p)) {
            throw layer.config().unsupported("padding '" + p + "' is not supported; expected one of "
                    + List.of(allowed));
        }
        return p;
    }
}
