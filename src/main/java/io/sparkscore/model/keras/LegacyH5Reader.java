package io.sparkscore.model.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.ModelSpec;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Reads legacy single-file HDF5 models ({@code model.save("m.h5")} of Keras 1/2 and tf.keras, whatever the file is
 * called): root attributes {@code keras_version}, {@code backend}, {@code model_config} and the weights under
 * {@code model_weights/}.
 */
final class LegacyH5Reader {

    static final String FORMAT = "keras-h5";

    private LegacyH5Reader() {
    }

    static ModelSpec read(InputStream in, String file) {
        try (SpooledHdf5 spool = SpooledHdf5.copyOf(in, file, "the file");
             HdfFile h5 = openHdf5(spool, file, "an HDF5 Keras model")) {
            return read(h5, file);
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static ModelSpec read(HdfFile h5, String file) {
        try {
            String modelConfig = Hdf5Arrays.string(h5, "model_config");
            if (modelConfig == null) {
                if (h5.getAttribute("layer_names") != null) {
                    throw new ModelFormatException(file, "is a weights-only HDF5 file (written by save_weights): "
                            + "it has no model_config; read it together with the architecture JSON "
                            + "(model.to_json()) via KerasModelReader.readWeightsAndArchitecture");
                }
                throw new ModelFormatException(file, "is an HDF5 file but not a Keras model: it has no "
                        + "'model_config' attribute (expected a file written by Keras' model.save)");
            }
            Node weightsNode = Hdf5Arrays.find(h5, "model_weights");
            if (!(weightsNode instanceof Group weights)) {
                throw new ModelFormatException(file, "has a model_config but no 'model_weights' group; the model "
                        + "was saved without weights or the file is damaged");
            }
            String kerasVersion = firstNonNull(Hdf5Arrays.string(h5, "keras_version"),
                    Hdf5Arrays.string(weights, "keras_version"), "2");
            String backend = firstNonNull(Hdf5Arrays.string(h5, "backend"), Hdf5Arrays.string(weights, "backend"),
                    "tensorflow");
            Map<String, Object> config = KerasJson.parseObject(modelConfig, file, "the model_config attribute");
            return build(config, weights, kerasVersion, backend, file, FORMAT, ModelFiles.baseName(file));
        } catch (ModelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw corrupt(file, "an HDF5 Keras model", e);
        }
    }

    /**
     * Parses the config, attaches legacy weights found in {@code weightsRoot}, and assembles the spec, named like
     * the config's model or else {@code fallbackName}.
     */
    static ModelSpec build(Map<String, Object> config, Group weightsRoot, String kerasVersion, String backend,
                           String file, String format, String fallbackName) {
        int major = ModelSpec.kerasMajor(kerasVersion);
        KerasConfigParser parser = new KerasConfigParser(file, major);
        ConfigModel model = parser.parseModel(config);
        new LegacyWeights(weightsRoot, file, major, "theano".equals(backend)).attach(model);
        String name = model.name() != null ? model.name() : fallbackName;
        return new SpecAssembler(file, parser).assemble(model, name, format, kerasVersion);
    }

    static HdfFile openHdf5(SpooledHdf5 spool, String file, String expected) throws IOException {
        try {
            return spool.open();
        } catch (ModelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw corrupt(file, expected, e);
        }
    }

    static ModelFormatException corrupt(String file, String expected, RuntimeException e) {
        return new ModelFormatException(file, "is truncated or corrupt: it starts like " + expected
                + " but its HDF5 structure cannot be read (" + e.getMessage() + "); copy the file again", e);
    }

    private static String firstNonNull(String a, String b, String fallback) {
        return a != null ? a : b != null ? b : fallback;
    }
}
