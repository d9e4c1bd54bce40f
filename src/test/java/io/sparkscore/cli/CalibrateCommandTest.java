package io.sparkscore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkscore.calibration.CalibrationChart;
import io.sparkscore.job.ScoringJob;
import io.sparkscore.ml.ModelCache;
import io.sparkscore.model.ModelReaders;
import io.sparkscore.model.savedmodel.SavedModelOptions;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.RuntimeOptions;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sparkscore calibrate --report DIR}: the table on stdout, the report and a readable chart in DIR. */
class CalibrateCommandTest {

    @TempDir
    Path dir;

    @Test
    void calibrateWritesTheReportAndChartAndReleasesTheLosingPathsModel() throws IOException {
        String data = dir.resolve("data").toString();
        assertThat(SparkScoreCliTest.run("sample", "--out", data, "--rows", "2000", "--master", "local[2,2]").code())
                .isZero();
        Path report = dir.resolve("report");
        ModelCache.closeAll();

        SparkScoreCliTest.Run r = SparkScoreCliTest.run("calibrate", "--model", data + "/tiny.keras", "--input",
                data + "/sample.parquet", "--features", "f1,f2,f3,f4", "--calibration-budget-ms", "3000",
                "--report", report.toString(), "--master", "local[2,2]");

        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("chosen plan: path=");
        JsonNode json = new ObjectMapper().readTree(report.resolve(ScoringJob.CALIBRATION_JSON).toFile());
        List<String> paths = new ArrayList<>();
        json.get("measurements").forEach(m -> paths.add(m.get("path").asText().toLowerCase(java.util.Locale.ROOT)));
        // the job's size is unknown to calibrate, so no path can be shown not to pay: both are measured
        assertThat(paths).contains("jvm", "tf");
        assertThat(json.get("skippedCandidates").isObject()).isTrue();
        BufferedImage png = ImageIO.read(report.resolve(ScoringJob.CALIBRATION_PNG).toFile());
        assertThat(png).as("the chart decodes as an image").isNotNull();
        assertThat(png.getWidth()).isEqualTo(CalibrationChart.WIDTH);
        assertThat(png.getHeight()).isEqualTo(CalibrationChart.HEIGHT);
        assertThat(png.getRGB(2, 2) & 0xFFFFFF).as("white background").isEqualTo(0xFFFFFF);

        PredictionPath chosen = PredictionPath.parse(json.get("chosen").get("path").asText());
        PredictionPath lost = chosen == PredictionPath.TF ? PredictionPath.JVM : PredictionPath.TF;
        String hash = ModelReaders.read(data + "/tiny.keras", new Configuration(), SavedModelOptions.DEFAULTS).hash();
        RuntimeOptions oneThread = new RuntimeOptions(1);
        assertThat(ModelCache.holds(hash, chosen, oneThread)).as("the chosen model stays for scoring").isTrue();
        assertThat(ModelCache.holds(hash, lost, oneThread)).as("the losing model is released").isFalse();
        assertThat(Files.exists(report.resolve(ScoringJob.SUMMARY_FILE))).as("calibrate scores nothing").isFalse();
    }
}
