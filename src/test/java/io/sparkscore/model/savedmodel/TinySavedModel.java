package io.sparkscore.model.savedmodel;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.Tensor;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Exports the seed's tiny Dense model ({@code SampleModels.tiny}) as a TensorFlow SavedModel built with TF Java:
 * {@code sigmoid(relu(x·K1 + b1)·K2 + b2)} with the spec's weights as variables, so that the SavedModel route can be
 * compared with the .keras route of the same weights.
 */
public final class TinySavedModel {

    private TinySavedModel() {
    }

    /** float32 in and out, tag {@code serve}, signature {@code serving_default} with input "x" and output "y". */
    public static Path export(ModelSpec tiny, Path dir) throws IOException {
        return export(tiny, dir, TFloat32.class, TFloat32.class, "serve", "serving_default");
    }

    /** The tiny model with the given input and output dtypes (cast inside the graph), tag and signature key. */
    public static Path export(ModelSpec tiny, Path dir, Class<? extends TNumber> inputType,
                              Class<? extends TNumber> outputType, String tag, String signatureKey)
            throws IOException {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<? extends TNumber> x = tf.withName("features").placeholder(inputType,
                    Placeholder.shape(Shape.of(-1, 4)));
            Operand<TFloat32> h = tf.nn.relu(tf.math.add(tf.linalg.matMul(tf.dtypes.cast(x, TFloat32.class),
                    weight(tf, tiny, "dense", "kernel")), weight(tf, tiny, "dense", "bias")));
            Operand<TFloat32> logits = tf.math.add(tf.linalg.matMul(h, weight(tf, tiny, "dense_1", "kernel")),
                    weight(tf, tiny, "dense_1", "bias"));
            Operand<? extends TNumber> y = tf.dtypes.cast(tf.math.sigmoid(logits), outputType);
            try (Session session = new Session(graph)) {
                session.initialize();
                SavedModelBundle.exporter(dir.toString()).withTags(tag).withSession(session)
                        .withSignature(Signature.builder().key(signatureKey).input("x", x).output("y", y).build())
                        .export();
            }
        }
        return dir;
    }

    private static Operand<TFloat32> weight(Ops tf, ModelSpec tiny, String layer, String name) {
        Tensor w = tiny.layer(layer).weight(name);
        long[] shape = java.util.Arrays.stream(w.shape()).asLongStream().toArray();
        return tf.withName(layer + "_" + name).variable(tf.constant(Shape.of(shape), DataBuffers.of(w.data())));
    }
}
