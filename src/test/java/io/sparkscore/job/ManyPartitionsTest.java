package io.sparkscore.job;

import io.sparkscore.ml.ModelCache;
import io.sparkscore.runtime.PredictionPath;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.randn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many partitions on one executor JVM with two task threads: one model copy shared by the threads, buffers reused,
 * and the heap left where it was once scoring is over.
 */
class ManyPartitionsTest {

    @TempDir
    static Path dir;

    @Test
    void oneSharedModelAndABoundedHeapAcrossManyPartitions() throws IOException {
        SparkSession spark = LocalSpark.get();
        TinyModelFixture tiny = new TinyModelFixture(dir, 10, 1);
        String input = dir.resolve("many.parquet").toString();
        spark.range(0, 400_000, 1, 64).select(col("id"), randn(1).cast("float").as("f1"),
                randn(2).cast("float").as("f2"), randn(3).cast("float").as("f3"), randn(4).cast("float").as("f4"))
                .write().parquet(input);
        JobOptions options = JobOptions.builder().setModel(tiny.modelFile.toString()).setInput(input)
                .setFeatures(List.of("f1", "f2", "f3", "f4")).optKeep(List.of("id"))
                .optBatchSize(Optional.of(512)).optPath(Optional.of(PredictionPath.TF)).build();
        ModelCache.closeAll();
        long buildsBefore = ModelCache.buildCount();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

        long warmUp;
        long heapBefore;
        long heapAfter;
        spark.conf().set("spark.sql.files.maxPartitionBytes", "64k"); // at least one partition per input file
        try {
            warmUp = run(spark, options, dir.resolve("out-0"));
            System.gc();
            heapBefore = memory.getHeapMemoryUsage().getUsed();
            for (int i = 1; i <= 2; i++) {
                assertThat(run(spark, options, dir.resolve("out-" + i))).isEqualTo(400_000);
            }
            System.gc();
            heapAfter = memory.getHeapMemoryUsage().getUsed();
        } finally {
            spark.conf().unset("spark.sql.files.maxPartitionBytes");
        }

        assertThat(warmUp).isEqualTo(400_000);
        assertThat(ModelCache.buildCount() - buildsBefore).as("models built for 3 runs x 64 partitions").isEqualTo(1);
        assertThat(heapAfter - heapBefore).as("heap growth over two runs of 64 partitions")
                .isLessThan(64L << 20);
    }

    private static long run(SparkSession spark, JobOptions options, Path out) {
        ScoringJob.Result r = new ScoringJob(spark, options.toBuilder().optOutput(out.toString()).build()).run();
        assertThat(r.summary().executors()).singleElement()
                .satisfies(e -> assertThat(e.tasks()).isGreaterThanOrEqualTo(64));
        return r.summary().rows().scored();
    }
}
