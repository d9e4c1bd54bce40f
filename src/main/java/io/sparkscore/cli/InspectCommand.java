package io.sparkscore.cli;

import io.sparkscore.model.ModelReaders;
import io.sparkscore.model.ModelSpec;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code sparkscore inspect}: prints the model like Keras' {@code model.summary()}, with per-path layer support. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print a model's layers, output shapes, parameters and which prediction path supports each.")
final class InspectCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Override
    public Integer call() {
        ModelSpec spec = ModelReaders.read(model.model, new Configuration(), model.savedModel());
        System.out.print(ModelSummary.render(spec));
        return 0;
    }
}
