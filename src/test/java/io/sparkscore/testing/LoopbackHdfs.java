package io.sparkscore.testing;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Real HDFS for tests: an in-process MiniDFSCluster with one datanode, every endpoint on 127.0.0.1. */
public final class LoopbackHdfs implements AutoCloseable {

    private final MiniDFSCluster cluster;

    private LoopbackHdfs(MiniDFSCluster cluster) {
        this.cluster = cluster;
    }

    /** Starts HDFS with its storage under {@code baseDir}; close it to stop it. */
    public static LoopbackHdfs start(Path baseDir) throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.toString());
        for (String key : List.of("dfs.namenode.http-address", "dfs.datanode.address", "dfs.datanode.http.address",
                "dfs.datanode.ipc.address")) {
            conf.set(key, "127.0.0.1:0");
        }
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        return new LoopbackHdfs(cluster);
    }

    /** {@code hdfs://127.0.0.1:<port>}, to prefix absolute paths with. */
    public String root() {
        return "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    }

    public FileSystem fileSystem() throws IOException {
        return cluster.getFileSystem();
    }

    public Configuration configuration() {
        return cluster.getConfiguration(0);
    }

    @Override
    public void close() {
        cluster.shutdown();
    }
}
