package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.categorical.CategoricalOutputMode;
import io.sparkscore.model.layers.CategoricalOutput;
import io.sparkscore.model.Shapes;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.ArrayList;
import java.util.List;

/**
 * StringLookup, IntegerLookup, Hashing, Discretization and CategoryEncoding on the tf path: indices (the lookups'
 * computed on the rows, Discretization's by {@code Bucketize}, CategoryEncoding's its input truncated to integers)
 * encoded by {@code output_mode} with {@code OneHot}, whose all-zero rows for indices outside [0, depth) drop a
 * masked token, then a max (multi_hot) or sum (count, tf_idf) over each sample's values.
 */
final class CategoricalLayers implements TfLayerBuilder {

    @Override
    public void validate(LayerSpec layer) {
        CategoricalOutput.of(layer);
    }

    @Override
    public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
        CategoricalOutput o = CategoricalOutput.of(layer);
        Operand<TFloat32> x = inputs.get(0);
        int[] in = TfOps.shape(x);
        var tf = ops.tf();
        Operand<TInt32> index = o.binBoundaries() == null ? tf.dtypes.cast(x, TInt32.class)
                : tf.bucketize(x, boundaries(o.binBoundaries()));
        if (o.mode() == CategoricalOutputMode.INT) {
            return tf.dtypes.cast(index, TFloat32.class);
        }
        int n = o.sampleLength(in);
        int samples = Math.toIntExact(Shapes.size(in) / n);
        // (batch, samples, n) indices -> (batch, samples, n, depth) one-hot rows
        Operand<TInt32> grouped = tf.reshape(index, ops.ints(TfOps.withBatch(new int[] {samples, n})));
        Operand<TFloat32> hot = tf.oneHot(grouped, ops.scalarInt(o.depth()), ops.scalar(1), ops.scalar(0));
        Operand<TFloat32> y = switch (o.mode()) {
            case ONE_HOT -> hot;
            case MULTI_HOT -> tf.max(hot, ops.scalarInt(2));
            case COUNT -> tf.sum(hot, ops.scalarInt(2));
            case TF_IDF -> ops.mul(tf.sum(hot, ops.scalarInt(2)), ops.constant(new int[] {o.depth()},
                    o.idfWeights()));
            case INT -> throw new IllegalStateException("handled above");
        };
        return ops.reshape(y, o.outputShape(in));
    }

    private static List<Float> boundaries(float[] b) {
        List<Float> r = new ArrayList<>(b.length);
        for (float v : b) {
            r.add(v);
        }
        return r;
    }
}
