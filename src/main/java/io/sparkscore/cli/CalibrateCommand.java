package io.sparkscore.cli;

import io.sparkscore.calibration.CalibrationReport;
import io.sparkscore.calibration.CalibrationTable;
import io.sparkscore.job.JobOptions;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.job.SparkSessions;
import io.sparkscore.ml.Calibration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code sparkscore calibrate}: runs only the calibration stage on sampled input rows, prints the table and, with
 * {@code --report DIR}, writes the report and chart there.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Measure both prediction paths x batch sizes on sampled input rows and print the plan.")
final class CalibrateCommand implements Callable<Integer> {

    @Mixin
    ModelInputOptions common;

    @Option(names = "--report", description = "Directory (any Hadoop FS URI) to write _sparkscore_calibration.json"
            + " and _sparkscore_calibration.png into; created if missing.")
    String reportDir;

    @Override
    public Integer call() throws Exception {
        JobOptions options = common.toJobOptions().optCalibration(Calibration.FORCE).build();
        try (SparkSession spark = SparkSessions.create("sparkscore calibrate", common.master)) {
            CalibrationReport report = new ScoringJob(spark, options).calibrateOnly(reportDir);
            System.out.print(CalibrationTable.render(report));
        }
        return 0;
    }
}
