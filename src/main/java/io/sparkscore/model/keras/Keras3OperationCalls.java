package io.sparkscore.model.keras;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.layers.KerasOperations;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The positional arguments of a Keras 3 operation's call, both ways: Keras 3 writes {@code x - 1} as
 * {@code "args": [tensor, 1]}, {@code 1 - x} as {@code [1, tensor]}, {@code concatenate} as {@code [[tensors]]} and
 * {@code x[:, 1:3]} as {@code [tensor, [{"class_name": "__slice__", ...}, ...]]}. Read, the tensors become the node's
 * inputs, a constant in first, second or third place the call argument {@code x}, {@code y} (as tf.keras 2 names a
 * binary op's operands) or {@code arg2} (where's x2), and GetItem's index the argument
 * {@value KerasOperations#KEY}; the operation's reader refuses a constant that is not a number or that its
 * operation does not take.
 */
final class Keras3OperationCalls {

    private Keras3OperationCalls() {
    }

    /** Reads one call's {@code args} into the node's inputs and call arguments. */
    static void read(Object args, ConfigLayer layer, List<TensorRef> inputs, Map<String, Object> callArgs,
                     KerasConfigParser errors) {
        if (!(args instanceof List<?> list)) {
            throw new ModelFormatException(errors.file(), "malformed call arguments " + args + " of operation '"
                    + layer.name + "'");
        }
        boolean getItem = layer.config.get(KerasOperations.OPERATION).equals("numpy.GetItem");
        for (int i = 0; i < list.size(); i++) {
            Object a = list.get(i);
            boolean tensorList = a instanceof List<?> l && !l.isEmpty()
                    && l.stream().allMatch(Keras3OperationCalls::isTensor);
            if (isTensor(a) || tensorList) {
                InboundNode.collectKeras3(a, inputs, errors);
            } else if (getItem && i == 1) {
                if (holdsTensor(a)) {
                    throw errors.unsupported(layer.name, layer.className, "indexes with a tensor (" + a + "); only"
                            + " constant slices, integers and '...' are read");
                }
                callArgs.put(KerasOperations.KEY, LayerConfig.plain(a));
            } else {
                if (holdsTensor(a)) {
                    throw errors.unsupported(layer.name, layer.className, "takes the argument " + a + " mixing"
                            + " tensors and constants, which sparkscore does not read");
                }
                callArgs.put(constantKey(i), LayerConfig.plain(a));
            }
        }
    }

    /** A call's {@code args} as Keras 3 writes them, from the node's input tensors and call arguments. */
    static List<Object> write(LayerSpec layer, List<Object> tensors, Map<String, Object> callArgs) {
        String op = layer.config().getString(KerasOperations.OPERATION, "");
        List<Object> args = new ArrayList<>();
        if (op.equals("numpy.Concatenate")) {
            args.add(tensors);
        } else if (callArgs.containsKey(KerasOperations.KEY)) {
            args.add(tensors.get(0));
            args.add(callArgs.get(KerasOperations.KEY));
        } else {
            // operands in order, each a constant where the call has one for its position, else the next tensor
            int next = 0;
            for (int position = 0; next < tensors.size() || callArgs.containsKey(constantKey(position)); position++) {
                String key = constantKey(position);
                args.add(callArgs.containsKey(key) ? callArgs.get(key) : tensors.get(next++));
            }
        }
        return args;
    }

    /** The layer entry Keras 3 writes for an operation: its module and class, its options, no weights. */
    static Map<String, Object> entry(LayerSpec layer) {
        String[] moduleAndClass = KerasOperations.moduleAndClass(layer);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", layer.name());
        layer.config().asMap().forEach((k, v) -> {
            if (!k.equals(KerasOperations.OPERATION) && !k.equals("name")) {
                config.put(k, v);
            }
        });
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("module", moduleAndClass[0]);
        e.put("class_name", moduleAndClass[1]);
        e.put("config", config);
        e.put("registered_name", moduleAndClass[1]);
        return e;
    }

    /** The call argument holding a constant operand at {@code position}: x, y (as tf.keras 2 names them), arg2... */
    private static String constantKey(int position) {
        return position == 0 ? "x" : position == 1 ? "y" : "arg" + position;
    }

    private static boolean isTensor(Object v) {
        return v instanceof Map<?, ?> m && "__keras_tensor__".equals(m.get("class_name"));
    }

    private static boolean holdsTensor(Object v) {
        if (isTensor(v)) {
            return true;
        }
        if (v instanceof List<?> l) {
            return l.stream().anyMatch(Keras3OperationCalls::holdsTensor);
        }
        return v instanceof Map<?, ?> m && m.values().stream().anyMatch(Keras3OperationCalls::holdsTensor);
    }
}
