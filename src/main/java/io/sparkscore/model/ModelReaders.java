package io.sparkscore.model;

import io.sparkscore.model.keras.KerasModelReader;
import io.sparkscore.model.savedmodel.SavedModelOptions;
import io.sparkscore.model.savedmodel.SavedModelReader;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads any model sparkscore scores: a directory holding {@code saved_model.pb} is a TensorFlow SavedModel (read with
 * {@code savedModel}'s signature and tags), anything else goes to {@link KerasModelReader}. Stateless, thread-safe.
 */
public final class ModelReaders {

    private ModelReaders() {
    }

    public static ModelSpec read(String pathOrUri, Configuration conf, SavedModelOptions savedModel) {
        if (SavedModelReader.isSavedModel(pathOrUri, conf)) {
            return SavedModelReader.read(pathOrUri, conf, savedModel.signature(), savedModel.tags());
        }
        return KerasModelReader.read(pathOrUri, conf);
    }
}
