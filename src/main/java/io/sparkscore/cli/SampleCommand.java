package io.sparkscore.cli;

import io.sparkscore.ml.JobException;
import io.sparkscore.job.SparkSessions;
import io.sparkscore.model.SampleModels;
import io.sparkscore.model.keras.KerasArchiveWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.randn;

/**
 * {@code sparkscore sample}: writes the demo's sample model ({@code tiny.keras}, the seed experiment's
 * Input(4) → Dense(2, relu) → Dense(1, sigmoid) with seeded weights) and a seeded dataset ({@code sample.parquet}:
 * {@code id} plus features {@code f1..f4}). Same seed, same files.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Generate the sample model (tiny.keras) and dataset (sample.parquet) used by the demo.")
final class SampleCommand implements Callable<Integer> {

    static final String MODEL_FILE = "tiny.keras";
    static final String DATA_DIR = "sample.parquet";

    @Option(names = "--out", defaultValue = "data", description = "Directory to write into.")
    Path out;

    @Option(names = "--rows", defaultValue = "100000", description = "Rows in the sample dataset.")
    long rows;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for weights and data.")
    long seed;

    @Option(names = "--master", description = "Spark master for writing the dataset; default local[*].")
    String master;

    @Override
    public Integer call() throws IOException {
        Path model = out.resolve(MODEL_FILE);
        try {
            Files.createDirectories(out);
            KerasArchiveWriter.write(SampleModels.tiny(seed), model);
        } catch (IOException | UncheckedIOException e) {
            throw JobException.config("cannot write the sample model to " + model + " (" + e.getMessage() + ");"
                    + " choose a writable --out directory");
        }
        try (SparkSession spark = SparkSessions.create("sparkscore sample", master)) {
            List<Column> cols = new ArrayList<>();
            cols.add(col("id"));
            for (int i = 1; i <= 4; i++) {
                cols.add(randn(seed + i).cast("float").as("f" + i));
            }
            spark.range(0, rows, 1, 4).select(cols.toArray(Column[]::new))
                    .write().mode(SaveMode.Overwrite).parquet(out.resolve(DATA_DIR).toString());
        }
        System.out.println("wrote " + model + " and " + out.resolve(DATA_DIR) + " (" + rows + " rows)");
        return 0;
    }
}
