package io.sparkscore.model.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Test access to the real Keras files in {@code shared/fixtures/keras} and to the expected data that comes with some
 * of them. Tests using it are skipped (not failed) when the shared folder is absent.
 *
 * <p>Expected data: for {@code X_model.h5} the sibling {@code X_inputs_and_outputs.h5} (DL4J layout: {@code inputs/},
 * {@code predictions/}, in the order of the root attributes {@code inputs}/{@code outputs}); for
 * {@code cnn_batch_norm_model.h5} the {@code cnn_batch_norm_input.npy}/{@code cnn_batch_norm_predictions.npy} pair.
 */
public final class KerasFixtures {

    /** A named float array in C order; the first dimension is the row (batch) dimension. */
    public record Array(String name, int[] shape, float[] data) {
        public int rows() {
            return shape[0];
        }
    }

    /** Model inputs and Keras' own predictions for them, in model input/output order. */
    public record ExpectedData(List<Array> inputs, List<Array> predictions) {
    }

    private static final String MODEL_SUFFIX = "_model.h5";
    private static final String DATA_SUFFIX = "_inputs_and_outputs.h5";
    /** The one DL4J file without a predictions group; its outputs/ group holds the model's predictions. */
    private static final String OUTPUTS_ARE_PREDICTIONS = "simple_lstm_tf_keras_2";

    private KerasFixtures() {
    }

    /** The shared folder ({@code sparkscore.shared.dir}, else {@code ../shared}); skips the test when absent. */
    public static Path sharedDir() {
        Path dir = Path.of(System.getProperty("sparkscore.shared.dir", "../shared"));
        Assumptions.assumeTrue(Files.isDirectory(dir), "shared folder " + dir.toAbsolutePath()
                + " is absent; tests on real Keras files are skipped");
        return dir;
    }

    public static Path kerasDir() {
        Path dir = sharedDir().resolve("fixtures").resolve("keras");
        Assumptions.assumeTrue(Files.isDirectory(dir), "Keras fixtures " + dir.toAbsolutePath()
                + " are absent; tests on real Keras files are skipped");
        return dir;
    }

    /** A fixture by its path relative to {@code fixtures/keras}, e.g. {@code dl4j/LeakyReLU_0_model.h5}. */
    public static Path file(String relative) {
        Path f = kerasDir().resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(f), "fixture " + f + " is absent");
        return f;
    }

    /** Every model file (data files and .npy arrays excluded), sorted by relative path. */
    public static List<Path> modelFiles() {
        Path dir = kerasDir();
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().endsWith(".npy"))
                    .filter(p -> !p.getFileName().toString().endsWith(DATA_SUFFIX))
                    .filter(p -> !p.getFileName().toString().endsWith(".md"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The path of a fixture relative to {@code fixtures/keras}, with forward slashes. */
    public static String relativeName(Path file) {
        return kerasDir().relativize(file).toString().replace('\\', '/');
    }

    /** Expected inputs and predictions for a model file, when the fixtures provide them. */
    public static Optional<ExpectedData> expectedData(Path modelFile) {
        String name = modelFile.getFileName().toString();
        if (name.equals("cnn_batch_norm_model.h5")) {
            Path dir = modelFile.getParent();
            return Optional.of(new ExpectedData(List.of(readNpy(dir.resolve("cnn_batch_norm_input.npy"))),
                    List.of(readNpy(dir.resolve("cnn_batch_norm_predictions.npy")))));
        }
        if (!name.endsWith(MODEL_SUFFIX)) {
            return Optional.empty();
        }
        String stem = name.substring(0, name.length() - MODEL_SUFFIX.length());
        Path data = modelFile.resolveSibling(stem + DATA_SUFFIX);
        if (!Files.isRegularFile(data)) {
            return Optional.empty();
        }
        try (HdfFile h5 = new HdfFile(data)) {
            List<Array> inputs = group(h5, "inputs", names(h5, "inputs"));
            String predictions = stem.equals(OUTPUTS_ARE_PREDICTIONS) ? "outputs" : "predictions";
            return Optional.of(new ExpectedData(inputs, group(h5, predictions, names(h5, "outputs"))));
        }
    }

    private static List<String> names(HdfFile h5, String attribute) {
        String json = Hdf5Arrays.string(h5, attribute);
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]+)\"").matcher(json.substring(json.indexOf('[')));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static List<Array> group(HdfFile h5, String groupName, List<String> order) {
        Node g = Hdf5Arrays.find(h5, groupName);
        if (!(g instanceof Group group)) {
            throw new IllegalStateException(h5.getFile() + " has no group " + groupName);
        }
        List<Array> arrays = new ArrayList<>();
        for (String n : order) {
            if (!(group.getChild(n) instanceof Dataset ds)) {
                throw new IllegalStateException(h5.getFile() + " has no dataset " + groupName + "/" + n);
            }
            RawWeight w = Hdf5Arrays.read(ds, n, new DatasetBudget(String.valueOf(h5.getFile()), h5.size()));
            arrays.add(new Array(n, w.shape(), w.data()));
        }
        return arrays;
    }

    /** A little-endian float32/float64 C-order {@code .npy} array, as float32. */
    public static Array readNpy(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            if (bytes.length < 10 || bytes[0] != (byte) 0x93 || !new String(bytes, 1, 5, StandardCharsets.US_ASCII)
                    .equals("NUMPY")) {
                throw new IllegalArgumentException(file + " is not a .npy file");
            }
            int major = bytes[6];
            int headerLength = major == 1 ? Short.toUnsignedInt(buf.getShort(8)) : buf.getInt(8);
            int headerStart = major == 1 ? 10 : 12;
            String header = new String(bytes, headerStart, headerLength, StandardCharsets.ISO_8859_1);
            if (header.contains("'fortran_order': True")) {
                throw new IllegalArgumentException(file + " is in Fortran order");
            }
            Matcher descr = Pattern.compile("'descr':\\s*'([^']+)'").matcher(header);
            Matcher shapeMatch = Pattern.compile("'shape':\\s*\\(([^)]*)\\)").matcher(header);
            if (!descr.find() || !shapeMatch.find()) {
                throw new IllegalArgumentException(file + " has an unreadable header: " + header);
            }
            List<Integer> dims = new ArrayList<>();
            for (String d : shapeMatch.group(1).split(",")) {
                if (!d.isBlank()) {
                    dims.add(Integer.parseInt(d.strip()));
                }
            }
            int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
            int count = 1;
            for (int d : shape) {
                count *= d;
            }
            float[] data = new float[count];
            buf.position(headerStart + headerLength);
            switch (descr.group(1)) {
                case "<f4" -> buf.asFloatBuffer().get(data);
                case "<f8" -> {
                    for (int i = 0; i < count; i++) {
                        data[i] = (float) buf.getDouble();
                    }
                }
                default -> throw new IllegalArgumentException(file + " holds " + descr.group(1)
                        + ", only little-endian float32/float64 are supported");
            }
            String name = file.getFileName().toString().replaceFirst("\\.npy$", "");
            return new Array(name, shape, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
