package io.sparkscore.model.layers;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;

import java.util.List;

/**
 * The options of SimpleRNN, LSTM and GRU that decide what the trained layer computes at inference.
 *
 * <p>GRU {@code reset_after}: Keras 3 and tf.keras 2 write the key (default true); files from before the option
 * existed (Keras 2.0/2.1, and Keras 1) computed reset-before. Without the key, the bias decides (a (2, 3·units) bias
 * only exists for reset_after); a GRU without the key and without a bias gets the default of its Keras version:
 * true for Keras 3, false before. So {@code kerasMajor} matters only for that last case.
 *
 * @param resetAfter always false for SimpleRNN and LSTM
 */
public record RecurrentOptions(int units, boolean returnSequences, boolean goBackwards, boolean useBias,
                               boolean resetAfter) implements LayerOptions {

    public static RecurrentOptions of(LayerSpec layer, int kerasMajor) {
        LayerConfig c = layer.config();
        boolean gru = layer.className().equals("GRU");
        return new RecurrentOptions(c.requireInt("units"), c.getBoolean("return_sequences", false),
                c.getBoolean("go_backwards", false), c.getBoolean("use_bias", true),
                gru && c.getBoolean("reset_after", defaultResetAfter(layer, kerasMajor)));
    }

    private static boolean defaultResetAfter(LayerSpec layer, int kerasMajor) {
        if (layer.config().getBoolean("use_bias", true) && layer.hasWeight("bias")) {
            return layer.weight("bias").rank() == 2;
        }
        return kerasMajor >= 3;
    }

    static int[] outputShape(LayerSpec layer, List<int[]> inputs) {
        int[] x = inputs.get(0);
        if (x.length != 2) {
            throw layer.config().unsupported(layer.className() + " expects inputs of shape (timesteps, features)"
                    + " but got " + io.sparkscore.model.Shapes.format(x));
        }
        RecurrentOptions o = of(layer, 3); // reset_after does not change shapes
        return o.returnSequences() ? new int[] {x[0], o.units()} : new int[] {o.units()};
    }
}
