package io.sparkscore.cli;

import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.keras.KerasModelReader;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code sparkscore inspect}: prints the model like Keras' {@code model.summary()}, with per-path layer support. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print a model's layers, output shapes, parameters and which prediction path supports each.")
final class InspectCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Keras model (.keras or .h5), any Hadoop FS URI.")
    String model;

    @Override
    public Integer call() {
        ModelSpec spec = KerasModelReader.read(model, new Configuration());
        System.out.print(ModelSummary.render(spec));
        return 0;
    }
}
