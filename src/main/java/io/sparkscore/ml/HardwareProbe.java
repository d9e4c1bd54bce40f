package io.sparkscore.ml;

import io.sparkscore.calibration.HardwareSignature;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

import java.util.Iterator;
import java.util.List;

/**
 * Reads the {@link HardwareSignature} of an executor with a one-task job, so that the driver can look up a stored
 * plan for the hardware the scoring will actually run on.
 */
final class HardwareProbe implements MapPartitionsFunction<Long, HardwareSignature> {

    static HardwareSignature ofExecutors(SparkSession spark) {
        spark.sparkContext().setJobDescription("sparkscore: read executor hardware signature");
        HardwareSignature hw = spark.range(0, 1, 1, 1)
                .mapPartitions(new HardwareProbe(), Encoders.javaSerialization(HardwareSignature.class))
                .collectAsList().get(0);
        spark.sparkContext().setJobDescription(null);
        return hw;
    }

    static String engineVersions() {
        return "sparkscore " + BuildInfo.sparkscoreVersion() + ", tensorflow-java " + BuildInfo.tensorflowJavaVersion();
    }

    @Override
    public Iterator<HardwareSignature> call(Iterator<Long> ignored) {
        return List.of(HardwareSignature.current(TaskContext.get().cpus(), engineVersions())).iterator();
    }
}
