package io.sparkscore.cluster;

import io.sparkscore.testing.LoopbackHdfs;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Real YARN for tests: an in-process {@link MiniYARNCluster} (a ResourceManager and one NodeManager whose containers
 * are separate JVMs) over a {@link LoopbackHdfs}, and a Hadoop configuration folder describing both for
 * spark-submit's {@code HADOOP_CONF_DIR}. Close it to stop both.
 */
final class YarnCluster implements AutoCloseable {

    private final LoopbackHdfs hdfs;
    private final MiniYARNCluster yarn;
    private final Path confDir;

    private YarnCluster(LoopbackHdfs hdfs, MiniYARNCluster yarn, Path confDir) {
        this.hdfs = hdfs;
        this.yarn = yarn;
        this.confDir = confDir;
    }

    /** @param nodeMemoryMb what the NodeManager offers containers (the AM and the executors) */
    static YarnCluster start(Path dir, int nodeMemoryMb) throws IOException {
        LoopbackHdfs hdfs = LoopbackHdfs.start(dir.resolve("hdfs"));
        try {
            YarnConfiguration conf = new YarnConfiguration(hdfs.configuration());
            conf.set("fs.defaultFS", hdfs.root());
            conf.set(YarnConfiguration.RM_SCHEDULER, FifoScheduler.class.getName());
            conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
            conf.setInt(YarnConfiguration.NM_PMEM_MB, nodeMemoryMb);
            conf.setInt(YarnConfiguration.NM_VCORES, 4);
            // the JVMs' virtual memory is far above their heap; and a busy build disk must not mark the node unhealthy
            conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
            conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
            conf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 100f);
            conf.set(YarnConfiguration.NM_LOCAL_DIRS, Files.createDirectories(dir.resolve("nm-local")).toString());
            conf.set(YarnConfiguration.NM_LOG_DIRS, Files.createDirectories(dir.resolve("nm-logs")).toString());
            conf.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
            conf.set("yarn.nodemanager.hostname", "127.0.0.1");
            MiniYARNCluster yarn = new MiniYARNCluster("sparkscore", 1, 1, 1);
            yarn.init(conf);
            yarn.start();
            // Only what a client needs: the minicluster's own settings name test-only classes (e.g. StaticMapping).
            Configuration client = new Configuration(false);
            client.set("fs.defaultFS", hdfs.root());
            for (Map.Entry<String, String> e : yarn.getConfig()) {
                if (e.getKey().startsWith("yarn.resourcemanager.")) {
                    client.set(e.getKey(), e.getValue());
                }
            }
            Path confDir = Files.createDirectories(dir.resolve("hadoop-conf"));
            for (String file : new String[] {"core-site.xml", "yarn-site.xml"}) {
                try (OutputStream out = Files.newOutputStream(confDir.resolve(file))) {
                    client.writeXml(out);
                }
            }
            return new YarnCluster(hdfs, yarn, confDir);
        } catch (IOException | RuntimeException e) {
            hdfs.close();
            throw e;
        }
    }

    LoopbackHdfs hdfs() {
        return hdfs;
    }

    /** For spark-submit's {@code HADOOP_CONF_DIR}: the ResourceManager's addresses and HDFS as default FS. */
    Path confDir() {
        return confDir;
    }

    /** Where the NodeManager keeps the containers' logs (driver in cluster mode, executors). */
    Path containerLogs() {
        return Path.of(yarn.getConfig().get(YarnConfiguration.NM_LOG_DIRS));
    }

    @Override
    public void close() {
        try {
            yarn.stop();
        } finally {
            hdfs.close();
        }
    }
}
