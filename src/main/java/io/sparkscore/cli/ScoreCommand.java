package io.sparkscore.cli;

import io.sparkscore.job.BadRowPolicy;
import io.sparkscore.job.JobOptions;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.job.SparkSessions;
import io.sparkscore.ml.Calibration;
import io.sparkscore.ml.ScoringConfig;
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

    @Option(names = "--output", description = "Output directory (Hadoop FS URI).")
    String output;

    @Option(names = "--output-table", description = "Catalog table to write instead of --output.")
    String outputTable;

    @Option(names = "--output-format", defaultValue = JobOptions.DEFAULT_OUTPUT_FORMAT,
            description = "parquet, orc, json, csv (default: ${DEFAULT-VALUE}).")
    String outputFormat;

    @Option(names = "--partition-by", split = ",", description = "Input columns to partition the output by (passed"
            + " through from the input).")
    List<String> partitionBy = new ArrayList<>();

    @Option(names = "--output-mode", defaultValue = ScoringConfig.DEFAULT_OUTPUT_MODE,
            description = "probabilities (raw outputs), argmax (class index) or threshold=<t> (0/1) (default:"
                    + " ${DEFAULT-VALUE}).")
    String outputMode;

    @Option(names = "--with-metadata", description = "Add model_hash, run_id and scored_at columns.")
    boolean withMetadata;

    @Option(names = "--bad-rows", defaultValue = JobOptions.DEFAULT_BAD_ROWS, description = "fail, skip or"
            + " quarantine: what to do with rows whose features are null, NaN/infinite, not numbers or of the wrong"
            + " length (default: ${DEFAULT-VALUE}).")
    String badRows;

    @Option(names = "--quarantine", description = "Where quarantined rows go (default <output>/_quarantine).")
    String quarantine;

    @Option(names = "--max-records-per-file", defaultValue = "0", description = "Cap on rows per output file"
            + " (0: no cap).")
    long maxRecordsPerFile;

    @Option(names = "--coalesce", defaultValue = "0", description = "Write at most this many output files per"
            + " partition value (0: one per task).")
    int coalesce;

    @Option(names = "--prediction-column", split = ",", description = "Name(s) of the prediction column(s);"
            + " default 'prediction', or the output names for multi-output models.")
    List<String> predictionColumns = new ArrayList<>();

    @Option(names = "--calibration", defaultValue = Calibration.DEFAULT, description = "auto: calibrate unless"
            + " --batch-size and --path are both fixed; force; off (default: ${DEFAULT-VALUE}).")
    String calibration;

    @Option(names = "--mode", defaultValue = JobOptions.DEFAULT_WRITE_MODE, description = "error (refuse an"
            + " existing output), overwrite, or overwrite-partitions (replace only the partitions written, with"
            + " --partition-by) (default: ${DEFAULT-VALUE}).")
    String mode;

    @Override
    public Integer call() throws Exception {
        JobOptions options = common.toJobOptions()
                .optOutput(output).optOutputTable(outputTable).optOutputFormat(outputFormat)
                .optPartitionBy(partitionBy).optPredictionColumns(predictionColumns).optOutputMode(outputMode)
                .optWithMetadata(withMetadata).optMode(JobOptions.WriteMode.parse(mode))
                .optCalibration(Calibration.parse(calibration))
                .optBadRows(BadRowPolicy.parse(badRows)).optQuarantine(quarantine)
                .optMaxRecordsPerFile(maxRecordsPerFile).optCoalesce(coalesce)
                .build();
        try (SparkSession spark = SparkSessions.create("sparkscore score", common.master)) {
            ScoringJob.Result result = new ScoringJob(spark, options).run();
            System.out.print(result.summary().render());
        }
        return 0;
    }
}
