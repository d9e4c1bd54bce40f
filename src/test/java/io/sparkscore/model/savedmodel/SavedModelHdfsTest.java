package io.sparkscore.model.savedmodel;

import io.sparkscore.model.ModelReaders;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.SampleModels;
import io.sparkscore.testing.LoopbackHdfs;
import io.sparkscore.testing.LoopbackHdfsExtension;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A SavedModel directory read from real HDFS (an in-process MiniDFSCluster) gives the same spec as a local read. */
class SavedModelHdfsTest {

    @TempDir
    static Path dir;

    @RegisterExtension
    static final LoopbackHdfsExtension HDFS = new LoopbackHdfsExtension();

    @Test
    void readsTheDirectoryTreeThroughTheHadoopFileSystem() throws IOException {
        LoopbackHdfs hdfs = HDFS.get();
        String root = hdfs.root();
        Path local = TinySavedModel.export(SampleModels.tiny(7), dir.resolve("tiny_sm"));
        FileSystem fs = hdfs.fileSystem();
        fs.mkdirs(new org.apache.hadoop.fs.Path("/models"));
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path("/models"));
        Configuration conf = hdfs.configuration();

        ModelSpec fromHdfs = ModelReaders.read(root + "/models/tiny_sm", conf, SavedModelOptions.DEFAULTS);
        ModelSpec fromLocal = ModelReaders.read(local.toString(), new Configuration(), SavedModelOptions.DEFAULTS);

        assertThat(fromHdfs.sourceFormat()).isEqualTo("tf-savedmodel");
        assertThat(fromHdfs.name()).isEqualTo("tiny_sm");
        assertThat(fromHdfs.hash()).isEqualTo(fromLocal.hash());
    }
}
