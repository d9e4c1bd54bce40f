package io.sparkscore.job;

import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.testing.LoopbackHdfs;
import io.sparkscore.testing.LoopbackHdfsExtension;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A whole run against real HDFS (an in-process MiniDFSCluster on loopback): model, input and output on hdfs://. */
class HdfsScoringTest {

    @TempDir
    static Path dir;

    @RegisterExtension
    static final LoopbackHdfsExtension HDFS = new LoopbackHdfsExtension();

    @Test
    void readsTheModelAndInputFromHdfsAndWritesTheOutputThere() throws IOException {
        LoopbackHdfs hdfs = HDFS.get();
        String root = hdfs.root();
        SparkSession spark = LocalSpark.get();
        TinyModelFixture tiny = new TinyModelFixture(dir, 300, 3);
        FileSystem fs = hdfs.fileSystem();
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(tiny.modelFile.toUri()),
                new org.apache.hadoop.fs.Path("/models/tiny.keras"));
        spark.read().parquet(tiny.inputDir.toString()).write().parquet(root + "/data/in");

        JobOptions options = JobOptions.builder().setModel(root + "/models/tiny.keras").setInput(root + "/data/in")
                .setFeatures(List.of("f1", "f2", "f3", "f4")).optKeep(List.of("id")).optOutput(root + "/data/out")
                .optBatchSize(Optional.of(32)).optPath(Optional.of(PredictionPath.TF)).build();
        ScoringJob.Result result = new ScoringJob(spark, options).run();

        assertThat(result.summary().rows().scored()).isEqualTo(300);
        List<Row> rows = spark.read().parquet(root + "/data/out").collectAsList();
        assertThat(rows).hasSize(300);
        for (Row r : rows) {
            assertThat((double) r.getFloat(1)).isCloseTo(tiny.expected(r.getLong(0)), within(1e-5));
        }
        assertThat(fs.exists(new org.apache.hadoop.fs.Path("/data/out/" + ScoringJob.SUMMARY_FILE))).isTrue();
    }
}
