package io.sparkscore.job;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SampleModels;
import io.sparkscore.model.Tensor;
import io.sparkscore.model.keras.KerasArchiveWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The seed's tiny model written as a real .keras file by the project's writer, a seeded dataset for it, and an
 * independent reference forward pass written out by hand (relu, then sigmoid) to check predictions against.
 */
public final class TinyModelFixture {

    public static final long SEED = 7;
    public final ModelSpec spec = SampleModels.tiny(SEED);
    public final Path modelFile;
    public final Path inputDir;
    public final List<float[]> rows = new ArrayList<>();

    public TinyModelFixture(Path dir, int rowCount, int partitions) throws IOException {
        modelFile = dir.resolve("tiny.keras");
        KerasArchiveWriter.write(spec, modelFile);
        inputDir = dir.resolve("input.parquet");
        Random random = new Random(SEED);
        List<Row> data = new ArrayList<>();
        for (int i = 0; i < rowCount; i++) {
            float[] f = new float[4];
            for (int k = 0; k < 4; k++) {
                f[k] = (float) random.nextGaussian();
            }
            rows.add(f);
            data.add(RowFactory.create((long) i, f[0], f[1], f[2], f[3], "r" + i));
        }
        StructType schema = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("f1", DataTypes.FloatType).add("f2", DataTypes.FloatType)
                .add("f3", DataTypes.FloatType).add("f4", DataTypes.FloatType)
                .add("label", DataTypes.StringType);
        SparkSession spark = LocalSpark.get();
        Dataset<Row> df = spark.createDataFrame(data, schema).repartition(partitions);
        df.write().parquet(inputDir.toString());
    }

    /** sigmoid(W2 · relu(W1 · x + b1) + b2), computed in double straight from the weights. */
    public double expected(long id) {
        float[] x = rows.get((int) id);
        Tensor k1 = spec.layer("dense").weight("kernel");
        Tensor b1 = spec.layer("dense").weight("bias");
        Tensor k2 = spec.layer("dense_1").weight("kernel");
        Tensor b2 = spec.layer("dense_1").weight("bias");
        double out = b2.data()[0];
        for (int u = 0; u < 2; u++) {
            double h = b1.data()[u];
            for (int i = 0; i < 4; i++) {
                h += x[i] * k1.data()[i * 2 + u];
            }
            out += Math.max(0, h) * k2.data()[u];
        }
        return 1 / (1 + Math.exp(-out));
    }
}
