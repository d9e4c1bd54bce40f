package io.sparkscore.bench;

import io.sparkscore.job.SparkSessions;
import org.apache.spark.sql.SparkSession;

/** The benchmark's current local Spark session; switching masters stops the old one first. */
final class Spark implements AutoCloseable {

    private SparkSession session;
    private String master;

    SparkSession session(String wanted) {
        if (session != null && !wanted.equals(master)) {
            close();
        }
        if (session == null) {
            session = SparkSessions.create("sparkscore-bench", wanted);
            session.sparkContext().setLogLevel("WARN");
            master = wanted;
        }
        return session;
    }

    @Override
    public void close() {
        if (session != null) {
            session.stop();
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
            session = null;
        }
    }
}
