package io.sparkscore.calibration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkscore.runtime.PredictionPath;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored form of a calibration plan: versioned JSON, written and read field by field against one schema. Reading
 * builds only plain values (numbers, strings, the known records); it never instantiates a type named by the file, so
 * a plan file from shared storage cannot make sparkscore run code. Stateless, thread-safe.
 *
 * <pre>{@code
 * {"format": "sparkscore-plan", "version": 2, "planKey": "...", "hardware": "<signature key>",
 *  "chosen": {"path": "jvm", "batchSize": 256, "intraOpThreads": 1},
 *  "maxAbsDifference": 1.2e-7, "sampleRows": 4096, "durationMillis": 2100, "ranOn": "executor 0 on ...",
 *  "excludedPaths": {"tf": "..."}, "skippedCandidates": {"jvm batch 16384-65536": "not measured: ..."},
 *  "measurements": [{"path": "jvm", "batchSize": 256, "threads": 1, "batches": 90, "rows": 23040,
 *                    "seconds": 0.01, "p50BatchMillis": 0.1, "p95BatchMillis": 0.2}]}
 * }</pre>
 */
final class PlanFile {

    static final String FORMAT = "sparkscore-plan";
    /** Version 2 added {@code skippedCandidates}; older files count as absent and calibration runs again. */
    static final int VERSION = 2;
    /** A plan is a few kilobytes; anything much larger is not one, and is not read into memory. */
    static final int MAX_BYTES = 1 << 20;
    private static final int MAX_NESTING = 8;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING).maxStringLength(MAX_BYTES).build());
    }

    /** Why a stored file is not a plan this version can use; the message says what was found. */
    static final class NotAPlan extends Exception {
        NotAPlan(String message) {
            super(message);
        }
    }

    private PlanFile() {
    }

    static byte[] write(String planKey, String hardwareKey, CalibrationReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("planKey", planKey);
        root.put("hardware", hardwareKey);
        ObjectNode chosen = root.putObject("chosen");
        chosen.put("path", report.chosen().path().id());
        chosen.put("batchSize", report.chosen().batchSize());
        chosen.put("intraOpThreads", report.chosen().intraOpThreads());
        root.put("maxAbsDifference", report.maxAbsDifference());
        root.put("sampleRows", report.sampleRows());
        root.put("durationMillis", report.durationMillis());
        root.put("chosenBuildMillis", report.chosenBuildMillis());
        root.put("ranOn", report.ranOn());
        ObjectNode excluded = root.putObject("excludedPaths");
        report.excludedPaths().forEach(excluded::put);
        ObjectNode skipped = root.putObject("skippedCandidates");
        report.skippedCandidates().forEach(skipped::put);
        ArrayNode measurements = root.putArray("measurements");
        for (Measurement m : report.measurements()) {
            ObjectNode n = measurements.addObject();
            n.put("path", m.path().id());
            n.put("batchSize", m.batchSize());
            n.put("threads", m.threads());
            n.put("batches", m.batches());
            n.put("rows", m.rows());
            n.put("seconds", m.seconds());
            n.put("p50BatchMillis", m.p50BatchMillis());
            n.put("p95BatchMillis", m.p95BatchMillis());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new CalibrationException("cannot write the calibration plan as JSON", e);
        }
    }

    /**
     * The report stored in {@code bytes}, which must be a version-{@value #VERSION} plan for exactly this plan key
     * and hardware.
     *
     * @throws NotAPlan when the bytes are not such a plan (Java-serialised, foreign JSON, another version or key)
     */
    static CalibrationReport read(byte[] bytes, String planKey, String hardwareKey) throws NotAPlan {
        if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xac && (bytes[1] & 0xff) == 0xed) {
            throw new NotAPlan("it is a Java-serialised object (an old sparkscore plan, or planted); sparkscore never"
                    + " deserialises stored files");
        }
        if (bytes.length > MAX_BYTES) {
            throw new NotAPlan("it is larger than " + MAX_BYTES + " bytes, which no plan is");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new NotAPlan("it is not JSON (" + e.getOriginalMessage() + ")");
        } catch (java.io.IOException e) {
            throw new NotAPlan("it is not JSON (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new NotAPlan("it is not a JSON object");
        }
        if (!FORMAT.equals(root.path("format").asText(null))) {
            throw new NotAPlan("it is not a sparkscore plan (format is " + root.get("format") + ", expected \""
                    + FORMAT + "\")");
        }
        if (!root.path("version").isInt() || root.get("version").intValue() != VERSION) {
            throw new NotAPlan("it is plan version " + root.get("version") + ", this sparkscore reads version "
                    + VERSION);
        }
        if (!planKey.equals(text(root, "planKey")) || !hardwareKey.equals(text(root, "hardware"))) {
            throw new NotAPlan("it was stored for another model, constraint set or hardware");
        }
        try {
            JsonNode chosen = object(root, "chosen");
            Plan plan = new Plan(path(chosen), integer(chosen, "batchSize"), integer(chosen, "intraOpThreads"));
            List<Measurement> measurements = new ArrayList<>();
            for (JsonNode m : array(root, "measurements")) {
                measurements.add(new Measurement(path(m), integer(m, "batchSize"), integer(m, "threads"),
                        longInt(m, "batches"), longInt(m, "rows"), number(m, "seconds"),
                        number(m, "p50BatchMillis"), number(m, "p95BatchMillis")));
            }
            return new CalibrationReport(measurements, plan, number(root, "maxAbsDifference"),
                    strings(root, "excludedPaths"), strings(root, "skippedCandidates"), integer(root, "sampleRows"),
                    longInt(root, "durationMillis"),
                    // absent from plans written before sparkscore reported it
                    root.has("chosenBuildMillis") ? longInt(root, "chosenBuildMillis") : 0, text(root, "ranOn"));
        } catch (IllegalArgumentException e) {
            throw new NotAPlan("it holds an invalid value (" + e.getMessage() + ")");
        }
    }

    /** An object of string values, in the file's order. */
    private static Map<String, String> strings(JsonNode node, String name) throws NotAPlan {
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(node, name).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new NotAPlan(name + "." + e.getKey() + " is not a string");
            }
            values.put(e.getKey(), e.getValue().textValue());
        }
        return values;
    }

    private static JsonNode field(JsonNode node, String name) throws NotAPlan {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw new NotAPlan("field '" + name + "' is missing");
        }
        return v;
    }

    private static JsonNode object(JsonNode node, String name) throws NotAPlan {
        JsonNode v = field(node, name);
        if (!v.isObject()) {
            throw new NotAPlan("field '" + name + "' is not an object");
        }
        return v;
    }

    private static JsonNode array(JsonNode node, String name) throws NotAPlan {
        JsonNode v = field(node, name);
        if (!v.isArray()) {
            throw new NotAPlan("field '" + name + "' is not an array");
        }
        return v;
    }

    private static String text(JsonNode node, String name) throws NotAPlan {
        JsonNode v = field(node, name);
        if (!v.isTextual()) {
            throw new NotAPlan("field '" + name + "' is not a string");
        }
        return v.textValue();
    }

    private static int integer(JsonNode node, String name) throws NotAPlan {
        JsonNode v = field(node, name);
        if (!v.isInt()) {
            throw new NotAPlan("field '" + name + "' is not a 32-bit integer: " + v);
        }
        return v.intValue();
    }

    private static long longInt(JsonNode node, String name) throws NotAPlan {
        JsonNode v = field(node, name);
        if (!v.canConvertToExactIntegral() || !v.canConvertToLong()) {
            throw new NotAPlan("field '" + name + "' is not an integer: " + v);
        }
        return v.longValue();
    }

    private static double number(JsonNode node, String name) throws NotAPlan {
        JsonNode v = field(node, name);
        if (!v.isNumber()) {
            throw new NotAPlan("field '" + name + "' is not a number: " + v);
        }
        return v.doubleValue();
    }

    private static PredictionPath path(JsonNode node) throws NotAPlan {
        return PredictionPath.parse(text(node, "path"));
    }
}
