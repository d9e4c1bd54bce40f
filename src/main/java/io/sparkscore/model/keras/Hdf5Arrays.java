package io.sparkscore.model.keras;

import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;

import java.util.ArrayList;
import java.util.List;

/** Reads HDF5 datasets and string attributes the way Keras writes them, as float32 arrays and Java strings. */
final class Hdf5Arrays {

    private Hdf5Arrays() {
    }

    /** Reads a weight dataset after charging it to {@code budget}, which refuses sizes the file cannot hold. */
    static RawWeight read(Dataset ds, String storedName, DatasetBudget budget) {
        budget.claim(ds);
        int[] shape = ds.isScalar() ? new int[0] : ds.getDimensions();
        return new RawWeight(storedName, shape, toFloats(ds.getDataFlat(), ds.getPath()));
    }

    static float[] toFloats(Object flat, String what) {
        if (flat instanceof float[] f) {
            return f;
        }
        if (flat instanceof double[] d) {
            float[] r = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                r[i] = (float) d[i];
            }
            return r;
        }
        if (flat instanceof long[] l) {
            float[] r = new float[l.length];
            for (int i = 0; i < l.length; i++) {
                r[i] = l[i];
            }
            return r;
        }
        if (flat instanceof int[] ints) {
            float[] r = new float[ints.length];
            for (int i = 0; i < ints.length; i++) {
                r[i] = ints[i];
            }
            return r;
        }
        if (flat instanceof Number n) {
            return new float[] {n.floatValue()};
        }
        throw new IllegalArgumentException(what + " holds " + flat.getClass().getSimpleName()
                + " values, not numbers");
    }

    /** A string or string-array attribute (Keras writes both, as fixed or variable length, bytes or text). */
    static List<String> strings(Node node, String attribute) {
        Attribute a = node.getAttribute(attribute);
        if (a == null) {
            return null;
        }
        Object v = a.isEmpty() ? null : a.getData();
        List<String> r = new ArrayList<>();
        if (v == null) {
            return r;
        }
        if (v instanceof Object[] arr) {
            for (Object o : arr) {
                r.add(text(o));
            }
        } else {
            r.add(text(v));
        }
        return r;
    }

    /** The node at a relative path, or null; jhdf's own lookup fails on in-memory files when a path is missing. */
    static Node find(Group group, String path) {
        Node current = group;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (!(current instanceof Group g)) {
                return null;
            }
            current = g.getChildren().get(part);
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    static String string(Node node, String attribute) {
        List<String> v = strings(node, attribute);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static String text(Object o) {
        if (o instanceof byte[] b) {
            return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        }
        return String.valueOf(o);
    }
}
