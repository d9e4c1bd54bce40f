package io.sparkscore.ml;

import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.ModelReaders;
import io.sparkscore.model.savedmodel.SavedModelOptions;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;

import java.io.Serializable;

/**
 * How executors get the model spec. Most models travel by {@link Broadcast}; a model whose weights exceed the
 * broadcast threshold is instead read by each executor JVM from the (shared) Hadoop FS path the driver read, and
 * checked against the driver's content hash, so that a file changed mid-run is refused rather than scored. Either
 * way it is fetched once per JVM (the {@link ModelCache} asks only when it builds).
 */
public sealed interface ModelSource extends Serializable {

    ModelSpec spec();

    /** {@code broadcast} or {@code shared-fs}, for the run summary. */
    String route();

    /** Chooses the route for a model of this size. */
    static ModelSource of(SparkContext sc, ModelSpec spec, String modelPath, SavedModelOptions savedModel,
                          long broadcastThresholdBytes) {
        long bytes = spec.paramCount() * Float.BYTES + spec.artifactBytes();
        if (bytes <= broadcastThresholdBytes) {
            return new Broadcasted(JavaSparkContext.fromSparkContext(sc).broadcast(spec));
        }
        return new SharedFs(modelPath, savedModel, spec.hash(),
                SerializableConfiguration.broadcast(sc, sc.hadoopConfiguration()));
    }

    /** The spec itself, broadcast from the driver. */
    record Broadcasted(Broadcast<ModelSpec> broadcast) implements ModelSource {
        @Override
        public ModelSpec spec() {
            return broadcast.value();
        }

        @Override
        public String route() {
            return "broadcast";
        }
    }

    /** The model file, read again on each executor JVM and checked against the driver's hash. */
    record SharedFs(String path, SavedModelOptions savedModel, String expectedHash,
                    Broadcast<SerializableConfiguration> hadoop)
            implements ModelSource {
        @Override
        public ModelSpec spec() {
            ModelSpec spec = ModelReaders.read(path, hadoop.value().value(), savedModel);
            if (!spec.hash().equals(expectedHash)) {
                throw new ModelException("model file " + path + " changed since the driver read it (hash "
                        + expectedHash.substring(0, 12) + " on the driver, " + spec.shortHash() + " here); do not"
                        + " replace a model while a job scores with it - rerun the job");
            }
            return spec;
        }

        @Override
        public String route() {
            return "shared-fs";
        }
    }
}
