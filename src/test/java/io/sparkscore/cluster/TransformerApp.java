package io.sparkscore.cluster;

import io.sparkscore.ml.JobMetrics;
import io.sparkscore.ml.SparkScoreModel;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A user's own Spark application that scores with {@link SparkScoreModel}, as the README shows: submitted by
 * {@link TransformerClusterIT} with spark-submit in a jar of its own, sparkscore's jar given with {@code --jars}. Fits, saves and loads a
 * pipeline with the stage, writes its predictions and the scoring tasks' reports (one line per task).
 *
 * <p>Arguments: model path, input path, output folder (any Hadoop FS URI), the local file for the task reports.
 */
public final class TransformerApp {

    private TransformerApp() {
    }

    public static void main(String[] args) throws IOException {
        String model = args[0];
        String input = args[1];
        String out = args[2].replaceAll("/+$", "");
        Path tasks = Path.of(args[3]);
        try (SparkSession spark = SparkSession.builder().appName("sparkscore transformer test").getOrCreate()) {
            Dataset<Row> df = spark.read().parquet(input);
            SparkScoreModel scorer = new SparkScoreModel().setModelPath(model)
                    .setFeatureCols(new String[] {"f1", "f2", "f3", "f4"}).setPredictionCol("score")
                    .setBatchSize(64).setPredictionPath("jvm").setBadRows("drop");
            String pipeline = out + "/pipeline";
            new Pipeline().setStages(new PipelineStage[] {scorer}).fit(df).write().overwrite().save(pipeline);
            SparkScoreModel loaded = (SparkScoreModel) PipelineModel.load(pipeline).stages()[0];
            loaded.transform(df).write().parquet(out + "/scored");
            JobMetrics metrics = loaded.lastTransformMetrics().orElseThrow();
            Files.write(tasks, metrics.tasks().value());
        }
    }
}
