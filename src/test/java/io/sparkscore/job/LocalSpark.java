package io.sparkscore.job;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * One embedded local[2] Spark session (two attempts per task) shared by the test classes of a surefire JVM (starting Spark costs seconds),
 * bound to 127.0.0.1.
 */
public final class LocalSpark {

    private static SparkSession session;

    private LocalSpark() {
    }

    /** A fresh warehouse per test JVM, so catalog tables never collide with an earlier run's. */
    private static String warehouse() {
        try {
            return java.nio.file.Files.createTempDirectory("sparkscore-warehouse").toUri().toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static synchronized SparkSession get() {
        if (session == null || session.sparkContext().isStopped()) {
            SparkConf conf = SparkSessions.bindToLoopback(new SparkConf())
                    .setMaster("local[2,2]") // two task attempts, so retry behaviour can be tested
                    .setAppName("sparkscore-tests")
                    .set("spark.sql.shuffle.partitions", "4")
                    .set("spark.sql.warehouse.dir", warehouse());
            session = SparkSession.builder().config(conf).getOrCreate();
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }
}
