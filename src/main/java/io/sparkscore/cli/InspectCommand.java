package io.sparkscore.cli;

import io.sparkscore.job.JobOptions;
import io.sparkscore.model.ModelReaders;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.savedmodel.SavedModelOptions;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code sparkscore inspect}: prints the model like Keras' {@code model.summary()}, with per-path layer support. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print a model's layers, output shapes, parameters and which prediction path supports each.")
final class InspectCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Keras model (.keras or .h5) or TensorFlow SavedModel"
            + " directory, any Hadoop FS URI.")
    String model;

    @Option(names = "--signature", defaultValue = SavedModelOptions.DEFAULT_SIGNATURE,
            description = "SavedModel signature to show (default: ${DEFAULT-VALUE}); ignored for Keras files.")
    String signature;

    @Option(names = "--tags", split = ",", defaultValue = "serve",
            description = "SavedModel MetaGraphDef tags, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> tags;

    @Override
    public Integer call() {
        ModelSpec spec = ModelReaders.read(model, new Configuration(), JobOptions.savedModelOptions(signature, tags));
        System.out.print(ModelSummary.render(spec));
        return 0;
    }
}
