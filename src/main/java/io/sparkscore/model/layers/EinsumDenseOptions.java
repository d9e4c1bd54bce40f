package io.sparkscore.model.layers;

import io.sparkscore.model.Activation;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.Shapes;

import java.util.List;

/**
 * The options of an EinsumDense layer: {@code activation(einsum(equation, x, kernel) + bias)}, the bias over
 * {@code bias_axes} (none when null). The equation is resolved against the input's shape by {@link #resolve}.
 *
 * @param outputShape the config's {@code output_shape} after the batch (-1 where Keras wrote None)
 */
public record EinsumDenseOptions(String equation, int[] outputShape, String biasAxes, Activation activation)
        implements LayerOptions {

    public static EinsumDenseOptions of(LayerSpec layer, int kerasMajor) {
        LayerConfig c = layer.config();
        Object raw = c.raw("output_shape");
        int[] out;
        if (raw instanceof Number) {
            out = new int[] {c.getInt("output_shape", 0)};
        } else if (raw instanceof List<?>) {
            out = c.getShape("output_shape");
        } else {
            throw c.unsupported("config 'output_shape' should be an integer or a list but is " + raw);
        }
        String biasAxes = c.getString("bias_axes", null);
        return new EinsumDenseOptions(c.requireString("equation"), out, biasAxes,
                Activation.of(c.getString("activation", "linear"), layer.name(), layer.className()));
    }

    /** The equation resolved against an input of the given per-row shape. */
    public EinsumEquation resolve(LayerConfig c, int[] inputRow) {
        if (!Shapes.isFullyKnown(inputRow)) {
            throw c.unsupported("input shape " + Shapes.format(inputRow) + " has an open dimension; EinsumDense"
                    + " needs every size to lay out its kernel");
        }
        return EinsumEquation.resolve(c, equation, inputRow, outputShape, biasAxes);
    }

    static int[] shape(LayerSpec layer, List<int[]> inputs) {
        return of(layer, 3).resolve(layer.config(), inputs.get(0)).outputShape();
    }

    /** {@code kernel}, then {@code bias} when {@code bias_axes} is set. */
    static List<String> weightNames(java.util.Map<String, Object> config) {
        return config.get("bias_axes") == null ? List.of("kernel") : List.of("kernel", "bias");
    }
}
