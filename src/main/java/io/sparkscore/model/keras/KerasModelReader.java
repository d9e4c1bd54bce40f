package io.sparkscore.model.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.ModelSpec;
import org.apache.hadoop.conf.Configuration;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads any Keras model file into a {@link ModelSpec}: Keras 3 {@code .keras} archives, legacy single-file HDF5
 * models of Keras 1/2 and tf.keras, and weights-only HDF5 files paired with their architecture JSON. The format is
 * recognised from the file's first bytes, never from its name. Files are opened through Hadoop's FileSystem API.
 *
 * <pre>{@code
 * ModelSpec spec = KerasModelReader.read("hdfs:///models/churn.keras", hadoopConf);
 * }</pre>
 *
 * <p>Source formats: {@code keras-v3} (zip, streamed), {@code keras-h5} (legacy full model; Keras 1 configs and
 * per-gate RNN weights are converted to the Keras 2 form, Theano convolution kernels are flipped as Keras' own loader
 * does), {@code keras-h5-weights+json}.
 *
 * <p>Files are untrusted: nothing in them is executed or deserialised, and every size they declare is checked
 * before memory is allocated for it ({@link ReadLimits}: zip entries, sizes and compression ratio checked while
 * streaming, JSON size and nesting, weight shapes against the file's own size and the heap). HDF5 content is held in
 * memory up to 64 MiB, beyond that in a local temporary file that is deleted after reading.
 *
 * <p>Stateless and thread-safe. Every failure is a {@code ModelFormatException} (file missing, not a model, corrupt)
 * or an {@code UnsupportedLayerException} (a layer or option sparkscore cannot score faithfully).
 */
public final class KerasModelReader {

    private KerasModelReader() {
    }

    public static ModelSpec read(String pathOrUri, Configuration conf) {
        try (BufferedInputStream in = ModelFiles.open(pathOrUri, conf)) {
            byte[] head = ModelFiles.peek(in, FileSignature.LENGTH);
            return switch (FileSignature.of(head)) {
                case ZIP -> KerasArchiveReader.read(in, pathOrUri);
                case HDF5 -> LegacyH5Reader.read(in, pathOrUri);
                case UNKNOWN -> throw new ModelFormatException(pathOrUri, "is not a Keras model file (expected a "
                        + ".keras zip or an HDF5 .h5 file; first bytes were " + FileSignature.describe(head) + ")");
            };
        } catch (IOException e) {
            throw new ModelFormatException(pathOrUri, "cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads weights saved with {@code model.save_weights(...)} (HDF5; a full-model HDF5 file works too) together with
     * the architecture JSON written by {@code model.to_json()}.
     */
    public static ModelSpec readWeightsAndArchitecture(String weightsH5, String architectureJson,
                                                       Configuration conf) {
        Map<String, Object> architecture = KerasJson.parseObject(readText(architectureJson, conf), architectureJson,
                "the architecture JSON");
        String pair = weightsH5 + " with architecture " + architectureJson;
        try (SpooledHdf5 spool = spoolHdf5(weightsH5, conf);
             HdfFile h5 = LegacyH5Reader.openHdf5(spool, weightsH5, "an HDF5 weights file")) {
            String format = "keras-h5-weights+json";
            Group root = Hdf5Arrays.find(h5, "model_weights") instanceof Group g ? g : h5;
            String version = firstNonNull(Hdf5Arrays.string(root, "keras_version"),
                    architecture.get("keras_version") instanceof String s ? s : null);
            if (root.getAttribute("layer_names") == null && Hdf5Arrays.find(root, "layers") instanceof Group) {
                // Keras 3 save_weights layout: positional vars under layers/
                return KerasArchiveReader.build(architecture, h5, firstNonNull(version, "3"), pair, format,
                        ModelFiles.baseName(weightsH5));
            }
            String backend = firstNonNull(Hdf5Arrays.string(root, "backend"),
                    architecture.get("backend") instanceof String b ? b : null);
            return LegacyH5Reader.build(architecture, root, firstNonNull(version, "2"),
                    firstNonNull(backend, "tensorflow"), pair, format, ModelFiles.baseName(weightsH5));
        } catch (ModelException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFormatException(weightsH5, "cannot be read (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            throw LegacyH5Reader.corrupt(weightsH5, "an HDF5 weights file", e);
        }
    }

    private static SpooledHdf5 spoolHdf5(String path, Configuration conf) throws IOException {
        try (BufferedInputStream in = ModelFiles.open(path, conf)) {
            return SpooledHdf5.copyOf(in, path, "the HDF5 weights file");
        }
    }

    /** A JSON file, read only up to the size a JSON document may have. */
    private static String readText(String path, Configuration conf) {
        try (BufferedInputStream in = ModelFiles.open(path, conf)) {
            byte[] bytes = in.readNBytes(ReadLimits.MAX_JSON_BYTES + 1);
            if (bytes.length > ReadLimits.MAX_JSON_BYTES) {
                throw new ModelFormatException(path, "is larger than the " + ReadLimits.MAX_JSON_BYTES + " bytes a"
                        + " model architecture JSON may have; is it the right file?");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelFormatException(path, "cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}
