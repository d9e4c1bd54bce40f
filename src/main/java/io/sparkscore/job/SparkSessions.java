package io.sparkscore.job;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the session a run uses. Under {@code spark-submit} the master and settings come from there; when run as a
 * plain program (the launcher, the demo, tests) sparkscore starts embedded local Spark bound to 127.0.0.1, never to
 * another interface.
 */
public final class SparkSessions {

    private SparkSessions() {
    }

    /**
     * @param master {@code local[*]} and the like, or null to take the one spark-submit set (local[*] when none)
     */
    public static SparkSession create(String appName, String master) {
        SparkConf conf = new SparkConf();
        boolean submitted = conf.contains("spark.master");
        if (master != null) {
            conf.setMaster(master);
        } else if (!submitted) {
            conf.setMaster("local[*]");
        }
        if (conf.get("spark.master").startsWith("local")) {
            bindToLoopback(conf);
        }
        conf.setIfMissing("spark.app.name", appName);
        return SparkSession.builder().config(conf).getOrCreate();
    }

    /** Local Spark must not listen on or advertise the machine's network interfaces. */
    public static SparkConf bindToLoopback(SparkConf conf) {
        return conf.setIfMissing("spark.driver.host", "127.0.0.1")
                .setIfMissing("spark.driver.bindAddress", "127.0.0.1")
                .setIfMissing("spark.ui.enabled", "false")
                .setIfMissing("spark.sql.shuffle.partitions", "8");
    }
}
