package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.categorical.CategoricalOutputMode;
import io.sparkscore.model.layers.HashedCrossingOptions;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

import java.util.List;

/**
 * Keras' HashedCrossing on the tf path: TensorFlow's own hashed {@code SparseCross} kernel (the op behind
 * {@code tf.sparse.cross_hashed}, with its default hash key) over the inputs as int64 columns; each row has one
 * cross, so the sparse values are the rows' bins in order. Then int or one-hot.
 */
final class HashedCrossingLayer implements TfLayerBuilder {

    @Override
    public void validate(LayerSpec layer) {
        HashedCrossingOptions.of(layer);
    }

    @Override
    public Operand<TFloat32> build(TfOps ops, LayerSpec layer, List<Operand<TFloat32>> inputs) {
        HashedCrossingOptions o = HashedCrossingOptions.of(layer);
        var tf = ops.tf();
        Output<?>[] dense = new Output<?>[inputs.size()];
        DataType[] types = new DataType[inputs.size()];
        for (int i = 0; i < dense.length; i++) {
            dense[i] = tf.reshape(tf.dtypes.cast(inputs.get(i), TInt64.class), ops.ints(-1, 1)).asOutput();
            types[i] = DataType.DT_INT64;
        }
        GraphOperation cross = (GraphOperation) tf.scope().opBuilder("SparseCross", "HashedCrossing")
                .addInputList(new Output<?>[0]).addInputList(new Output<?>[0]).addInputList(new Output<?>[0])
                .addInputList(dense)
                .setAttr("hashed_output", true).setAttr("num_buckets", (long) o.numBins())
                .setAttr("hash_key", HashedCrossingOptions.DEFAULT_HASH_KEY)
                .setAttr("sparse_types", new DataType[0]).setAttr("dense_types", types)
                .setAttr("out_type", DataType.DT_INT64).setAttr("internal_type", DataType.DT_INT64)
                .build();
        Output<?> bins = cross.output(1);
        Operand<TFloat32> y = tf.dtypes.cast(bins, TFloat32.class);
        if (o.mode() == CategoricalOutputMode.ONE_HOT) {
            y = tf.oneHot(tf.dtypes.cast(bins, org.tensorflow.types.TInt32.class), ops.scalarInt(o.numBins()),
                    ops.scalar(1), ops.scalar(0));
            return ops.reshape(y, o.numBins());
        }
        return ops.reshape(y, TfOps.shape(inputs.get(0)));
    }
}
