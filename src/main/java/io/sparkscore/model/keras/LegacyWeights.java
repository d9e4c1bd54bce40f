package io.sparkscore.model.keras;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Attaches the weights of a legacy HDF5 file (Keras 1/2, tf.keras): one group per top-level layer, named like the
 * layer, whose {@code weight_names} attribute lists its arrays in creation order. Arrays of a wrapper or nested model
 * are handed to the wrapped/inner layers in order. Theano-backend convolution kernels are flipped the way Keras'
 * own loader converts them.
 */
final class LegacyWeights {

    private final Group layersRoot;
    private final String file;
    private final DatasetBudget budget;
    private final int kerasMajor;
    private final boolean theano;

    LegacyWeights(Group layersRoot, String file, int kerasMajor, boolean theano) {
        this.layersRoot = layersRoot;
        this.file = file;
        this.budget = new DatasetBudget(file, layersRoot.getHdfFile().size());
        this.kerasMajor = kerasMajor;
        this.theano = theano;
    }

    void attach(ConfigModel model) {
        for (ConfigLayer layer : model.layers()) {
            if (layer.isInput()) {
                continue;
            }
            Deque<RawWeight> stored = new ArrayDeque<>(readGroup(layer.name));
            int total = stored.size();
            consume(layer, stored);
            if (!stored.isEmpty()) {
                throw new ModelFormatException(file, "layer '" + layer.name + "' (" + layer.className + ") has "
                        + total + " weight arrays in the file, " + stored.size() + " more than its config needs");
            }
        }
    }

    private void consume(ConfigLayer layer, Deque<RawWeight> stored) {
        if (layer.nested != null) {
            for (ConfigLayer inner : layer.nested.layers()) {
                if (!inner.isInput()) {
                    consume(inner, stored);
                }
            }
            return;
        }
        if (!layer.wrapped.isEmpty()) {
            for (ConfigLayer inner : layer.wrapped) {
                consume(inner, stored);
            }
            return;
        }
        if (kerasMajor < 2) {
            List<RawWeight> mine = new ArrayList<>();
            for (int i = 0; i < Keras1Weights.count(layer) && !stored.isEmpty(); i++) {
                mine.add(stored.poll());
            }
            Keras1Weights.attach(layer, mine, file);
        } else {
            LayerWeights.takeByName(layer, stored, file, "the file's weight group");
        }
        if (theano && (layer.className.equals("Conv1D") || layer.className.equals("Conv2D"))) {
            layer.weights.put("kernel", TheanoKernels.flipSpatialAxes(layer.weights.get("kernel")));
        }
    }

    private List<RawWeight> readGroup(String layerName) {
        Node node = Hdf5Arrays.find(layersRoot, layerName);
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof Group group)) {
            throw new ModelFormatException(file, "'" + node.getPath() + "' should be the weight group of layer '"
                    + layerName + "' but is not a group");
        }
        List<String> names = Hdf5Arrays.strings(group, "weight_names");
        if (names == null) {
            return List.of();
        }
        List<RawWeight> r = new ArrayList<>();
        for (String n : names) {
            Node w = Hdf5Arrays.find(group, n);
            if (!(w instanceof Dataset ds)) {
                throw new ModelFormatException(file, "weight '" + n + "' listed for layer '" + layerName
                        + "' is missing from " + group.getPath());
            }
            r.add(Hdf5Arrays.read(ds, n, budget));
        }
        return r;
    }

    /** Keras' {@code convert_kernel}: reverses every spatial axis, keeping the (in, out) channel axes. */
    static final class TheanoKernels {
        private TheanoKernels() {
        }

        static Tensor flipSpatialAxes(Tensor kernel) {
            int[] shape = kernel.shape();
            int spatial = shape.length - 2;
            int channels = shape[shape.length - 2] * shape[shape.length - 1];
            int positions = kernel.data().length / Math.max(1, channels);
            float[] out = new float[kernel.data().length];
            int[] idx = new int[spatial];
            for (int p = 0; p < positions; p++) {
                int rem = p;
                for (int a = spatial - 1; a >= 0; a--) {
                    idx[a] = rem % shape[a];
                    rem /= shape[a];
                }
                int q = 0;
                for (int a = 0; a < spatial; a++) {
                    q = q * shape[a] + (shape[a] - 1 - idx[a]);
                }
                System.arraycopy(kernel.data(), p * channels, out, q * channels, channels);
            }
            return new Tensor(kernel.name(), shape, out);
        }
    }
}
