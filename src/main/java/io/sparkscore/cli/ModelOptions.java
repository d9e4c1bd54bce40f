package io.sparkscore.cli;

import io.sparkscore.job.JobOptions;
import io.sparkscore.model.savedmodel.SavedModelOptions;
import picocli.CommandLine.Option;

import java.util.List;

/** The model options every command takes: the model and, for a SavedModel, which signature and tags to read. */
final class ModelOptions {

    @Option(names = "--model", required = true, description = "Keras model: .keras (Keras 3) or .h5 (Keras 2), or a"
            + " TensorFlow SavedModel directory (tf path only); any Hadoop FS URI (file://, hdfs://, s3a://).")
    String model;

    @Option(names = "--signature", defaultValue = SavedModelOptions.DEFAULT_SIGNATURE,
            description = "SavedModel signature (default: ${DEFAULT-VALUE}); ignored for Keras files.")
    String signature;

    @Option(names = "--tags", split = ",", defaultValue = SavedModelOptions.DEFAULT_TAG,
            description = "SavedModel MetaGraphDef tags, comma-separated (default: ${DEFAULT-VALUE}); ignored for"
                    + " Keras files.")
    List<String> tags;

    /** The signature and tags, refused as a configuration error when invalid. */
    SavedModelOptions savedModel() {
        return JobOptions.savedModelOptions(signature, tags);
    }
}
