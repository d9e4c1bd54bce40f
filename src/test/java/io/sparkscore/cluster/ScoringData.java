package io.sparkscore.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkscore.job.LocalSpark;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.keras.KerasArchiveWriter;
import io.sparkscore.model.keras.KerasModelReader;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.PredictionPaths;
import io.sparkscore.runtime.Predictor;
import io.sparkscore.runtime.RuntimeOptions;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A model written by the project's own {@link KerasArchiveWriter} and a seeded Parquet dataset for it ({@code id},
 * features {@code f1..f4}), one file per partition, written by embedded local Spark; plus the reading side: the
 * scored output and the run summary a job left next to it.
 */
final class ScoringData {

    static final List<String> FEATURES = List.of("f1", "f2", "f3", "f4");

    final Path modelFile;
    final Path input;
    final float[][] features;

    private ScoringData(Path modelFile, Path input, float[][] features) {
        this.modelFile = modelFile;
        this.input = input;
        this.features = features;
    }

    static ScoringData write(Path dir, ModelSpec spec, int partitions, int rowsPerPartition, long seed) {
        Path model = dir.resolve(spec.name() + ".keras");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KerasArchiveWriter.write(spec, model);
        int rows = partitions * rowsPerPartition;
        float[][] features = new float[rows][4];
        Random random = new Random(seed);
        List<Row> data = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < 4; k++) {
                features[i][k] = (float) random.nextGaussian();
            }
            data.add(RowFactory.create((long) i, features[i][0], features[i][1], features[i][2], features[i][3]));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType, false)
                .add("f1", DataTypes.FloatType).add("f2", DataTypes.FloatType)
                .add("f3", DataTypes.FloatType).add("f4", DataTypes.FloatType);
        Path input = dir.resolve("input.parquet");
        // Each small file becomes one input partition (Spark packs files only up to its 4 MB open cost).
        LocalSpark.get().createDataFrame(data, schema).repartition(partitions).write().parquet(input.toString());
        return new ScoringData(model, input, features);
    }

    /** {@code score} arguments for this model and input, keeping {@code id}, plus {@code extra}. */
    List<String> scoreArgs(Path output, String... extra) {
        List<String> args = new ArrayList<>(List.of("score", "--model", modelFile.toString(),
                "--input", input.toString(), "--output", output.toString(),
                "--features", String.join(",", FEATURES), "--keep", "id"));
        args.addAll(List.of(extra));
        return args;
    }

    int rows() {
        return features.length;
    }

    /** The model read back from its file and run in this JVM on the jvm path, in batches of {@code batch} rows. */
    Map<Long, Float> inProcessPredictions(int batch, int limit) {
        ModelSpec spec = KerasModelReader.read(modelFile.toString(), new Configuration());
        Map<Long, Float> byId = new HashMap<>();
        try (LoadedModel model = PredictionPaths.load(spec, PredictionPath.JVM, RuntimeOptions.singleThreaded());
             Predictor predictor = model.newPredictor(batch)) {
            float[][] in = {new float[batch * 4]};
            float[][] out = {new float[batch]};
            int n = Math.min(limit, rows());
            for (int start = 0; start < n; start += batch) {
                int rows = Math.min(batch, n - start);
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(features[start + r], 0, in[0], r * 4, 4);
                }
                predictor.predict(in, rows, out);
                for (int r = 0; r < rows; r++) {
                    byId.put((long) (start + r), out[0][r]);
                }
            }
        }
        return byId;
    }

    /** The scored output as (id, prediction) rows, duplicates kept. */
    static List<Row> scored(Path output) {
        return LocalSpark.get().read().parquet(output.toString()).select("id", "prediction").collectAsList();
    }

    static JsonNode summary(Path output) {
        try {
            return new ObjectMapper().readTree(output.resolve(ScoringJob.SUMMARY_FILE).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("no readable run summary in " + output, e);
        }
    }
}
