package io.sparkscore.model.savedmodel;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerConfig;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelFormatException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Reads a TensorFlow SavedModel directory (any Hadoop FS) into a {@link ModelSpec} that only the tf path runs: the
 * inputs and outputs of one SignatureDef, one {@link SavedModelOutput} layer per output, and the whole directory
 * zipped as the artifact {@value SavedModelOutput#ARTIFACT}, which executors unpack and load with TensorFlow.
 *
 * <p>Only {@code saved_model.pb} is parsed here (protobuf classes, no native TensorFlow), so the driver needs no
 * native library. Inputs and outputs are ordered by their signature keys. Every tensor must have a dynamic batch
 * dimension first, fixed other dimensions and a numeric dtype ({@code float32}, {@code float64}, {@code int32},
 * {@code int64}).
 *
 * <pre>{@code
 * ModelSpec spec = SavedModelReader.read("hdfs:///models/churn", conf, "serving_default", List.of("serve"));
 * }</pre>
 *
 * <p>Stateless and thread-safe; every failure is a {@link ModelFormatException} naming the directory.
 */
public final class SavedModelReader {

    public static final String SOURCE_FORMAT = "tf-savedmodel";
    public static final String GRAPH_FILE = "saved_model.pb";
    private static final String VARIABLES_INDEX = "variables/variables.index";
    private static final Set<String> VARIABLE_OPS = Set.of("VarHandleOp", "VariableV2", "Variable");
    private static final Map<DataType, String> NUMERIC_DTYPES = Map.of(
            DataType.DT_FLOAT, "float32", DataType.DT_DOUBLE, "float64",
            DataType.DT_INT32, "int32", DataType.DT_INT64, "int64");

    /** A SavedModel holds a graph, a variables index, a few shards and assets; a thousand files are not one. */
    private static final int MAX_FILES = 1_000;
    /** Files and their zipped copy each sit in one Java array. */
    private static final long MAX_TOTAL_BYTES = Integer.MAX_VALUE - (64L << 20);

    private SavedModelReader() {
    }

    /** Whether the path is a directory holding {@value #GRAPH_FILE}. */
    public static boolean isSavedModel(String dirUri, Configuration conf) {
        try {
            Path dir = new Path(dirUri);
            FileSystem fs = dir.getFileSystem(conf);
            return fs.getFileStatus(dir).isDirectory() && fs.exists(new Path(dir, GRAPH_FILE));
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    public static ModelSpec read(String dirUri, Configuration conf, String signature, List<String> tags) {
        Path dir = new Path(dirUri);
        Map<String, byte[]> files = readTree(dirUri, dir, conf);
        byte[] graph = files.get(GRAPH_FILE);
        if (graph == null) {
            throw new ModelFormatException(dirUri, "holds no " + GRAPH_FILE + ", so it is not a TensorFlow SavedModel"
                    + " directory; pass the directory tf.saved_model.save wrote");
        }
        SavedModel savedModel;
        try {
            savedModel = SavedModel.parseFrom(graph);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelFormatException(dirUri, GRAPH_FILE + " is not a valid SavedModel protobuf ("
                    + e.getMessage() + "); the file is corrupt or truncated: export the model again", e);
        }
        MetaGraphDef metaGraph = metaGraph(dirUri, savedModel, tags);
        if (hasVariables(metaGraph) && !files.containsKey(VARIABLES_INDEX)) {
            throw new ModelFormatException(dirUri, "its graph has variables but the directory holds no "
                    + VARIABLES_INDEX + ", so their values are missing; copy the whole SavedModel directory,"
                    + " including variables/");
        }
        SignatureDef signatureDef = metaGraph.getSignatureDefMap().get(signature);
        if (signatureDef == null) {
            throw new ModelFormatException(dirUri, "has no signature '" + signature + "' in the MetaGraphDef tagged "
                    + tags + "; available signatures: " + new TreeSet<>(metaGraph.getSignatureDefMap().keySet())
                    + "; pass one of them with --signature");
        }
        return spec(dirUri, dir.getName(), signatureDef, signature, tags, zip(files));
    }

    private static boolean hasVariables(MetaGraphDef metaGraph) {
        return metaGraph.getGraphDef().getNodeList().stream().anyMatch(n -> VARIABLE_OPS.contains(n.getOp()));
    }

    private static MetaGraphDef metaGraph(String dirUri, SavedModel savedModel, List<String> tags) {
        Set<String> wanted = Set.copyOf(tags);
        List<List<String>> available = new ArrayList<>();
        for (MetaGraphDef mg : savedModel.getMetaGraphsList()) {
            List<String> mgTags = mg.getMetaInfoDef().getTagsList();
            if (Set.copyOf(mgTags).equals(wanted)) {
                return mg;
            }
            available.add(mgTags.stream().sorted().toList());
        }
        throw new ModelFormatException(dirUri, "has no MetaGraphDef tagged " + tags.stream().sorted().toList()
                + "; available tag sets: " + available + "; pass one of them with --tags");
    }

    private static ModelSpec spec(String dirUri, String name, SignatureDef sig, String signature, List<String> tags,
                                  byte[] zipped) {
        List<InputSpec> inputs = new ArrayList<>();
        List<String> inputKeys = new ArrayList<>();
        List<String> inputDtypes = new ArrayList<>();
        for (Map.Entry<String, TensorInfo> e : new TreeMap<>(sig.getInputsMap()).entrySet()) {
            String dtype = dtype(dirUri, "input", e.getKey(), e.getValue());
            inputs.add(new InputSpec(e.getKey(), rowShape(dirUri, "input", e.getKey(), e.getValue()), dtype));
            inputKeys.add(e.getKey());
            inputDtypes.add(dtype);
        }
        if (inputs.isEmpty() || sig.getOutputsCount() == 0) {
            throw new ModelFormatException(dirUri, "signature '" + signature + "' has " + sig.getInputsCount()
                    + " inputs and " + sig.getOutputsCount() + " outputs; sparkscore needs at least one of each");
        }
        List<LayerSpec> layers = new ArrayList<>();
        List<NodeSpec> nodes = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        for (Map.Entry<String, TensorInfo> e : new TreeMap<>(sig.getOutputsMap()).entrySet()) {
            String key = e.getKey();
            if (inputKeys.contains(key)) {
                throw new ModelFormatException(dirUri, "signature '" + signature + "' uses '" + key + "' as both an"
                        + " input and an output key; sparkscore names columns and tensors by these keys, so they must"
                        + " differ: export the signature with distinct keys");
            }
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("name", key);
            config.put(SavedModelOutput.OUTPUT, key);
            config.put(SavedModelOutput.SHAPE, boxed(rowShape(dirUri, "output", key, e.getValue())));
            config.put(SavedModelOutput.DTYPE, dtype(dirUri, "output", key, e.getValue()));
            config.put(SavedModelOutput.SIGNATURE, signature);
            config.put(SavedModelOutput.TAGS, List.copyOf(tags));
            config.put(SavedModelOutput.INPUT_KEYS, List.copyOf(inputKeys));
            config.put(SavedModelOutput.INPUT_DTYPES, List.copyOf(inputDtypes));
            layers.add(new LayerSpec(key, SavedModelOutput.CLASS_NAME,
                    new LayerConfig(key, SavedModelOutput.CLASS_NAME, config), Map.of()));
            nodes.add(new NodeSpec(key, key, inputKeys));
            outputs.add(key);
        }
        return new ModelSpec(name, SOURCE_FORMAT, "n/a", inputs, layers, nodes, outputs,
                Map.of(SavedModelOutput.ARTIFACT, zipped));
    }

    private static String dtype(String dirUri, String kind, String key, TensorInfo info) {
        String name = NUMERIC_DTYPES.get(info.getDtype());
        if (name == null) {
            throw new ModelFormatException(dirUri, kind + " '" + key + "' has dtype " + info.getDtype()
                    + "; sparkscore exchanges numbers only (float32, float64, int32, int64): export a signature"
                    + " with numeric tensors");
        }
        return name;
    }

    /** The shape without the batch dimension, which must be the first and dynamic. */
    private static int[] rowShape(String dirUri, String kind, String key, TensorInfo info) {
        if (info.getEncodingCase() != TensorInfo.EncodingCase.NAME) {
            throw new ModelFormatException(dirUri, kind + " '" + key + "' is a " + info.getEncodingCase()
                    + " tensor; sparkscore feeds and fetches dense tensors only");
        }
        TensorShapeProto shape = info.getTensorShape();
        if (shape.getUnknownRank() || shape.getDimCount() == 0) {
            throw new ModelFormatException(dirUri, kind + " '" + key + "' has " + (shape.getUnknownRank()
                    ? "an unknown rank" : "no dimensions (a scalar)") + "; sparkscore needs a batch dimension"
                    + " followed by fixed dimensions, e.g. (None, 4)");
        }
        List<Long> dims = shape.getDimList().stream().map(TensorShapeProto.Dim::getSize).toList();
        String shown = dims.stream().map(d -> d < 0 ? "None" : d.toString()).toList().toString();
        if (dims.get(0) >= 0) {
            throw new ModelFormatException(dirUri, kind + " '" + key + "' has shape " + shown + " with a fixed batch"
                    + " dimension; sparkscore scores batches of any size: export it with None as the first dimension");
        }
        int[] row = new int[dims.size() - 1];
        for (int i = 0; i < row.length; i++) {
            long d = dims.get(i + 1);
            if (d < 0) {
                throw new ModelFormatException(dirUri, kind + " '" + key + "' has shape " + shown + " with an"
                        + " unknown non-batch dimension; sparkscore scores fixed-size rows: export it with every"
                        + " dimension after the batch fixed");
            }
            row[i] = Math.toIntExact(d);
        }
        return row;
    }

    private static List<Integer> boxed(int[] shape) {
        return java.util.Arrays.stream(shape).boxed().toList();
    }

    /** Every file under the directory, by path relative to it ('/'-separated), read through the Hadoop FS API. */
    private static Map<String, byte[]> readTree(String dirUri, Path dir, Configuration conf) {
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (!fs.exists(dir)) {
                throw new ModelFormatException(dirUri, "the SavedModel directory does not exist; check the path (a"
                        + " path without a scheme is resolved against the default file system " + fs.getUri() + ")");
            }
            Path root = fs.getFileStatus(dir).getPath();
            String prefix = root.toUri().getPath();
            prefix = prefix.endsWith("/") ? prefix : prefix + "/";
            List<LocatedFileStatus> listed = new ArrayList<>();
            long total = 0;
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
            while (it.hasNext()) {
                LocatedFileStatus status = it.next();
                listed.add(status);
                total += status.getLen();
                if (listed.size() > MAX_FILES) {
                    throw new ModelFormatException(dirUri, "holds more than " + MAX_FILES + " files, far more than a"
                            + " SavedModel has; is it the right directory?");
                }
            }
            // the files and their zipped copy are both held while the spec is built, in one array each
            if (total > MAX_TOTAL_BYTES || 2 * total > Runtime.getRuntime().maxMemory()) {
                throw new ModelFormatException(dirUri, "holds " + total + " bytes, more than sparkscore can carry"
                        + " to executors in one SavedModel (at most " + MAX_TOTAL_BYTES + " bytes, and twice the"
                        + " size must fit in the driver heap of " + Runtime.getRuntime().maxMemory() + " bytes)");
            }
            Map<String, byte[]> files = new TreeMap<>();
            for (LocatedFileStatus status : listed) {
                Path file = status.getPath();
                String relative = file.toUri().getPath().substring(prefix.length());
                try (InputStream in = fs.open(file)) {
                    // a file that grew since it was listed is read only up to its listed length, then refused
                    byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, status.getLen() + 1));
                    if (bytes.length > status.getLen()) {
                        throw new ModelFormatException(dirUri, relative + " grew while it was read; retry once"
                                + " the SavedModel is no longer being written");
                    }
                    files.put(relative, bytes);
                }
            }
            return files;
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFormatException(dirUri, "the SavedModel directory cannot be read (" + e.getMessage() + ")",
                    e);
        }
    }

    private static byte[] zip(Map<String, byte[]> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                ZipEntry entry = new ZipEntry(f.getKey());
                // a fixed time keeps the bytes, and so the spec's hash, the same for the same directory
                entry.setTime(0);
                zip.putNextEntry(entry);
                zip.write(f.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException("zipping in memory cannot fail", e);
        }
        return bytes.toByteArray();
    }
}
