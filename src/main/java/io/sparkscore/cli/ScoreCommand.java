package io.sparkscore.cli;

import io.sparkscore.job.JobOptions;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.job.SparkSessions;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sparkscore score}: reads a model and a dataset, calibrates, scores, writes Parquet and a run summary. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score a dataset with a Keras model and write the predictions as Parquet.")
final class ScoreCommand implements Callable<Integer> {

    @Mixin
    ModelInputOptions common;

    @Option(names = "--output", required = true, description = "Output directory for the Parquet predictions.")
    String output;

    @Option(names = "--prediction-column", split = ",", description = "Name(s) of the prediction column(s);"
            + " default 'prediction', or the output names for multi-output models.")
    List<String> predictionColumns = new ArrayList<>();

    @Option(names = "--calibration", defaultValue = "auto", description = "auto: calibrate unless --batch-size and"
            + " --path are both fixed; force; off.")
    String calibration;

    @Option(names = "--mode", defaultValue = "error", description = "error (refuse an existing output) or overwrite.")
    String mode;

    @Override
    public Integer call() throws Exception {
        JobOptions options = common.toJobOptions(output, predictionColumns, JobOptions.WriteMode.parse(mode),
                JobOptions.Calibration.parse(calibration));
        try (SparkSession spark = SparkSessions.create("sparkscore score", common.master)) {
            ScoringJob.Result result = new ScoringJob(spark, options).run();
            System.out.print(result.summary().render());
        }
        return 0;
    }
}
