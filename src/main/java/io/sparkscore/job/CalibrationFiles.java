package io.sparkscore.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkscore.calibration.CalibrationChart;
import io.sparkscore.calibration.CalibrationReport;
import org.apache.hadoop.conf.Configuration;

/**
 * Writes a calibration's report ({@value ScoringJob#CALIBRATION_JSON}) and chart ({@value ScoringJob#CALIBRATION_PNG})
 * into a directory on any Hadoop file system: beside the output of {@code score}, or where
 * {@code calibrate --report} says.
 */
final class CalibrationFiles {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CalibrationFiles() {
    }

    static void write(String dir, CalibrationReport report, String modelName, Configuration hadoop) {
        OutputFiles.write(dir, ScoringJob.CALIBRATION_JSON, o -> JSON.writeValue(o, report), hadoop);
        OutputFiles.write(dir, ScoringJob.CALIBRATION_PNG, o -> CalibrationChart.writePng(report, modelName, o),
                hadoop);
    }
}
