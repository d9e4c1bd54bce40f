package io.sparkscore.bench;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.PredictionPaths;
import io.sparkscore.runtime.Predictor;
import io.sparkscore.runtime.RuntimeOptions;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.apache.spark.sql.functions.call_udf;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;

/**
 * What users write without sparkscore, and Spark's own bars (the no-op job, the model as a SQL expression, a plain
 * copy): each reads the same tabular Parquet input and writes
 * (id, prediction) as Parquet, like a sparkscore job keeping {@code id}.
 */
final class Baselines {

    static final StructType OUT = new StructType().add("id", DataTypes.LongType, false)
            .add("prediction", DataTypes.FloatType, false);

    private Baselines() {
    }

    private static Dataset<Row> read(SparkSession spark, Path input) {
        return spark.read().parquet(input.toString()).select("id", "f1", "f2", "f3", "f4");
    }

    /** The same read → mapPartitions → write pipeline as a sparkscore job, with a predictor that does nothing. */
    static void noop(SparkSession spark, Path input, Path output) {
        read(spark, input).mapPartitions(new NoopScorer(), Encoders.row(OUT))
                .write().mode(SaveMode.Overwrite).parquet(output.toString());
    }

    /**
     * The tiny model written by hand as a Spark SQL expression, {@code sigmoid(W2 · relu(W1 · x + b1) + b2)} in
     * float32 like Keras: what Spark itself does for this model (whole-stage codegen over the vectorized reader).
     */
    static void sqlExpression(SparkSession spark, ModelSpec tiny, Path input, Path output) {
        float[] k1 = tiny.layer("dense").weight("kernel").data();
        float[] b1 = tiny.layer("dense").weight("bias").data();
        float[] k2 = tiny.layer("dense_1").weight("kernel").data();
        float[] b2 = tiny.layer("dense_1").weight("bias").data();
        Column z = lit(b2[0]);
        for (int u = 0; u < b1.length; u++) {
            Column h = lit(b1[u]);
            for (int i = 0; i < 4; i++) {
                h = h.plus(col("f" + (i + 1)).multiply(lit(k1[i * b1.length + u])));
            }
            z = z.plus(greatest(lit(0f), h).multiply(lit(k2[u])));
        }
        Column sigmoid = lit(1.0).divide(lit(1.0).plus(exp(z.unary_$minus()))).cast(DataTypes.FloatType);
        read(spark, input).select(col("id"), sigmoid.as("prediction"))
                .write().mode(SaveMode.Overwrite).parquet(output.toString());
    }

    /** Read, keep {@code id} and one feature as the "prediction", write: the cheapest job with this output. */
    static void copy(SparkSession spark, Path input, Path output) {
        read(spark, input).select(col("id"), col("f1").as("prediction"))
                .write().mode(SaveMode.Overwrite).parquet(output.toString());
    }

    /** The no-op job for an (id, x array) input: prediction is the array's first value. */
    static void noopArrays(SparkSession spark, Path input, Path output) {
        spark.read().parquet(input.toString()).select("id", "x")
                .mapPartitions(new NoopArrayScorer(), Encoders.row(OUT))
                .write().mode(SaveMode.Overwrite).parquet(output.toString());
    }

    /** (a) A row-at-a-time UDF calling the tf path once per row; the model is built once per JVM. */
    static void cachedModelUdf(SparkSession spark, Broadcast<ModelSpec> spec, Path input, Path output) {
        spark.udf().register("tf_per_row", new CachedTfUdf(spec), DataTypes.FloatType);
        read(spark, input).select(col("id"), call_udf("tf_per_row", col("f1"), col("f2"), col("f3"), col("f4"))
                        .as("prediction"))
                .write().mode(SaveMode.Overwrite).parquet(output.toString());
    }

    /** (b) The same per-row tf calls, but the model is built at the start of every partition. */
    static void modelPerPartition(SparkSession spark, Broadcast<ModelSpec> spec, Path input, Path output) {
        read(spark, input).mapPartitions(new PerPartitionTf(spec), Encoders.row(OUT))
                .write().mode(SaveMode.Overwrite).parquet(output.toString());
    }

    static final class NoopScorer implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    Row r = rows.next();
                    return RowFactory.create(r.getLong(0), r.getFloat(1));
                }
            };
        }
    }

    static final class NoopArrayScorer implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    Row r = rows.next();
                    return RowFactory.create(r.getLong(0), r.<Float>getList(1).get(0));
                }
            };
        }
    }

    /** Per-row scoring over a model and a 1-row predictor, as a user's UDF would hold them. */
    static final class RowScorer implements AutoCloseable {
        private final Predictor predictor;
        private final float[][] in = {new float[4]};
        private final float[][] out = {new float[1]};

        RowScorer(LoadedModel model) {
            predictor = model.newPredictor(1);
        }

        float score(float f1, float f2, float f3, float f4) {
            in[0][0] = f1;
            in[0][1] = f2;
            in[0][2] = f3;
            in[0][3] = f4;
            predictor.predict(in, 1, out);
            return out[0][0];
        }

        @Override
        public void close() {
            predictor.close();
        }
    }

    static final class CachedTfUdf implements UDF4<Float, Float, Float, Float, Float> {
        private static final long serialVersionUID = 1L;
        private static final Map<String, LoadedModel> MODELS = new ConcurrentHashMap<>();
        private static final ThreadLocal<Map<String, RowScorer>> SCORERS =
                ThreadLocal.withInitial(ConcurrentHashMap::new);
        private final Broadcast<ModelSpec> spec;

        CachedTfUdf(Broadcast<ModelSpec> spec) {
            this.spec = spec;
        }

        @Override
        public Float call(Float f1, Float f2, Float f3, Float f4) {
            String key = "udf-" + spec.id();
            RowScorer scorer = SCORERS.get().computeIfAbsent(key, k -> new RowScorer(MODELS.computeIfAbsent(k,
                    kk -> PredictionPaths.load(spec.value(), PredictionPath.TF, RuntimeOptions.singleThreaded()))));
            return scorer.score(f1, f2, f3, f4);
        }

        static void closeAll() {
            MODELS.values().forEach(LoadedModel::close);
            MODELS.clear();
        }
    }

    static final class PerPartitionTf implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<ModelSpec> spec;

        PerPartitionTf(Broadcast<ModelSpec> spec) {
            this.spec = spec;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            LoadedModel model = PredictionPaths.load(spec.value(), PredictionPath.TF, RuntimeOptions.singleThreaded());
            RowScorer scorer = new RowScorer(model);
            TaskContext.get().addTaskCompletionListener(context -> {
                scorer.close();
                model.close();
            });
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    Row r = rows.next();
                    return RowFactory.create(r.getLong(0), scorer.score(r.getFloat(1), r.getFloat(2), r.getFloat(3),
                            r.getFloat(4)));
                }
            };
        }
    }
}
