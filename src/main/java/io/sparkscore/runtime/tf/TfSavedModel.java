package io.sparkscore.runtime.tf;

import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.Shapes;
import io.sparkscore.model.savedmodel.SavedModelOutput;
import io.sparkscore.runtime.LoadedModel;
import io.sparkscore.runtime.ModelSignature;
import io.sparkscore.runtime.PredictionException;
import io.sparkscore.runtime.PredictionPath;
import io.sparkscore.runtime.RuntimeOptions;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A TensorFlow SavedModel on the tf path: the spec's zipped directory unpacked once into a temporary directory,
 * loaded with {@link SavedModelBundle} (the spec's tags, the same session options as {@link TfModel}) and scored one
 * {@code Session.runner()} call per batch, feeding and fetching the tensors the spec's SignatureDef names. Float
 * buffers are converted to each input's dtype and outputs back to float ({@link TensorConversion}).
 *
 * <p>Owns the bundle (graph and session) and the temporary directory; {@link #close()} (idempotent) frees the bundle,
 * after runs in flight finish, and deletes the directory. Thread-safe: task threads share one instance, each through
 * its own {@link TfPredictor}.
 * <pre>{@code
 * try (LoadedModel model = TfSavedModel.load(spec, new RuntimeOptions(2));
 *      Predictor p = model.newPredictor(1024)) {
 *     p.predict(inputs, rows, outputs);
 * }
 * }</pre>
 */
public final class TfSavedModel implements LoadedModel, BatchRunner {

    private final ModelSpec spec;
    private final ModelSignature signature;
    private final Path directory;
    private final SavedModelBundle bundle;
    private final Session session;
    private final List<String> feeds;
    private final List<TensorConversion> inputConversions;
    private final List<String> fetches;
    private final List<TensorConversion> outputConversions;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TfSavedModel(ModelSpec spec, Path directory, SavedModelBundle bundle, String signatureKey,
                         LayerConfig first) {
        this.spec = spec;
        this.signature = ModelSignature.of(spec);
        this.directory = directory;
        this.bundle = bundle;
        this.session = bundle.session();
        SignatureDef def = bundle.metaGraphDef().getSignatureDefMap().get(signatureKey);
        if (def == null) {
            throw new PredictionException("model '" + spec.name() + "': the loaded SavedModel has no signature '"
                    + signatureKey + "' (it has " + new TreeSet<>(bundle.metaGraphDef().getSignatureDefMap().keySet())
                    + ") although the driver read one; the artifact is inconsistent, read the model again");
        }
        List<String> inputKeys = strings(first, SavedModelOutput.INPUT_KEYS);
        List<String> inputDtypes = strings(first, SavedModelOutput.INPUT_DTYPES);
        this.feeds = new ArrayList<>();
        this.inputConversions = new ArrayList<>();
        for (int i = 0; i < inputKeys.size(); i++) {
            feeds.add(tensorName(def.getInputsMap().get(inputKeys.get(i)), "input", inputKeys.get(i), signatureKey));
            inputConversions.add(TensorConversion.of(inputDtypes.get(i)));
        }
        this.fetches = new ArrayList<>();
        this.outputConversions = new ArrayList<>();
        for (String out : spec.outputs()) {
            // the reader names each output's node and layer after its signature key
            LayerConfig c = spec.layer(out).config();
            String key = c.requireString(SavedModelOutput.OUTPUT);
            fetches.add(tensorName(def.getOutputsMap().get(key), "output", key, signatureKey));
            outputConversions.add(TensorConversion.of(c.requireString(SavedModelOutput.DTYPE)));
        }
    }

    /** Whether the spec was read from a SavedModel, so that only this class can score it. */
    public static boolean isSavedModel(ModelSpec spec) {
        return spec.layers().stream().anyMatch(l -> l.className().equals(SavedModelOutput.CLASS_NAME));
    }

    /**
     * Unpacks the spec's SavedModel and loads it with TensorFlow.
     *
     * @throws PredictionException when the spec carries no SavedModel or TensorFlow cannot load it
     */
    public static TfSavedModel load(ModelSpec spec, RuntimeOptions options) {
        byte[] zipped = spec.artifacts().get(SavedModelOutput.ARTIFACT);
        LayerSpec first = spec.layers().iterator().next();
        if (zipped == null || !first.className().equals(SavedModelOutput.CLASS_NAME)) {
            throw new PredictionException("model '" + spec.name() + "' carries no " + SavedModelOutput.ARTIFACT
                    + " with " + SavedModelOutput.CLASS_NAME + " layers; read SavedModel directories with"
                    + " ModelReaders or SavedModelReader");
        }
        LayerConfig config = first.config();
        String signatureKey = config.requireString(SavedModelOutput.SIGNATURE);
        List<String> tags = strings(config, SavedModelOutput.TAGS);
        ConfigProto sessionConfig = TfModel.sessionConfig(options);
        Path dir = unzip(spec, zipped);
        SavedModelBundle bundle = null;
        try {
            bundle = SavedModelBundle.loader(dir.toString()).withTags(tags.toArray(String[]::new))
                    .withConfigProto(sessionConfig).load();
            return new TfSavedModel(spec, dir, bundle, signatureKey, config);
        } catch (RuntimeException e) {
            if (bundle != null) {
                bundle.close();
            }
            deleteTree(dir);
            if (e instanceof PredictionException) {
                throw e;
            }
            throw new PredictionException("TensorFlow cannot load the SavedModel of model '" + spec.name()
                    + "' with tags " + tags + ": " + e.getMessage() + "; check that the directory is a complete"
                    + " SavedModel (saved_model.pb and variables/)", e);
        }
    }

    private static String tensorName(TensorInfo info, String kind, String key, String signatureKey) {
        if (info == null) {
            throw new PredictionException("the loaded SavedModel's signature '" + signatureKey + "' has no " + kind
                    + " '" + key + "'; the artifact is inconsistent, read the model again");
        }
        return info.getName();
    }

    private static List<String> strings(LayerConfig config, String key) {
        return config.getList(key).stream().map(String::valueOf).toList();
    }

    private static Path unzip(ModelSpec spec, byte[] zipped) {
        Path dir;
        try {
            dir = Files.createTempDirectory("sparkscore-savedmodel-" + spec.shortHash() + "-");
        } catch (IOException e) {
            throw new PredictionException("cannot create a temporary directory for SavedModel '" + spec.name()
                    + "' (" + e.getMessage() + "); check java.io.tmpdir on this executor", e);
        }
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(zipped))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                Path target = dir.resolve(entry.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new PredictionException("SavedModel '" + spec.name() + "' holds entry '" + entry.getName()
                            + "' outside its directory; refusing to unpack it");
                }
                if (!entry.isDirectory()) {
                    Files.createDirectories(target.getParent());
                    copy(zip, target);
                }
            }
            return dir;
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            if (e instanceof PredictionException p) {
                throw p;
            }
            throw new PredictionException("cannot unpack SavedModel '" + spec.name() + "' into " + dir + " ("
                    + e.getMessage() + "); check the free space of java.io.tmpdir", e);
        }
    }

    private static void copy(InputStream in, Path target) throws IOException {
        try (var out = Files.newOutputStream(target)) {
            in.transferTo(out);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary directory is harmless; scoring must not fail for it
        }
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public PredictionPath path() {
        return PredictionPath.TF;
    }

    @Override
    public ModelSignature signature() {
        return signature;
    }

    @Override
    public TfPredictor newPredictor(int batchCapacity) {
        ensureOpen();
        return new TfPredictor(this, batchCapacity);
    }

    /** The unpacked SavedModel directory, deleted on close. */
    Path directory() {
        return directory;
    }

    @Override
    public void run(float[][] in, int rows, float[][] out) {
        ensureOpen();
        List<Tensor> fed = new ArrayList<>(feeds.size());
        try {
            Session.Runner runner = session.runner();
            for (int i = 0; i < feeds.size(); i++) {
                int[] dims = Shapes.concat(new int[] {rows}, signature.inputShapes().get(i));
                Tensor t = inputConversions.get(i).tensor(signature.inputNames().get(i), in[i],
                        rows * signature.inputSize(i), Shape.of(TfOps.toLongs(dims)));
                fed.add(t);
                runner.feed(feeds.get(i), t);
            }
            for (String f : fetches) {
                runner.fetch(f);
            }
            try (Result result = runner.run()) {
                for (int j = 0; j < fetches.size(); j++) {
                    outputConversions.get(j).read(signature.outputNames().get(j), result.get(j),
                            rows * signature.outputSize(j), out[j]);
                }
            }
        } catch (PredictionException e) {
            throw e;
        } catch (RuntimeException e) {
            ensureOpen();
            throw new PredictionException("TensorFlow failed on a batch of " + rows + " rows of SavedModel '"
                    + spec.name() + "': " + e.getMessage(), e);
        } finally {
            for (Tensor t : fed) {
                t.close();
            }
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new PredictionException("TensorFlow SavedModel '" + spec.name() + "' (" + spec.shortHash()
                    + ") is closed; it was shut down or evicted, load it again to score more rows");
        }
    }

    /** Frees the bundle (after runs in flight finish) and deletes the unpacked directory; later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                bundle.close();
            } finally {
                deleteTree(directory);
            }
        }
    }

    @Override
    public String toString() {
        return "TfSavedModel[" + spec.name() + ", " + spec.shortHash() + (closed.get() ? ", closed" : "") + "]";
    }
}
