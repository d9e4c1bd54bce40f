package io.sparkscore.model.keras;

import io.sparkscore.model.ModelException;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.ShapeInference;
import org.apache.hadoop.conf.Configuration;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The fuzzing harness {@link ModelReaderFuzzTest} runs in a JVM of its own with a small heap: reads seeded mutations
 * of real model files (bit flips, truncations, shuffled and edited zip entries, edited JSON) and requires each read
 * to end in a {@link ModelException} or a spec that is whole (its shapes infer, or are refused as a model error) —
 * never another exception, an {@link Error} such as OutOfMemoryError, or a hang. Also reads the decompression bombs
 * it is given, which must be refused. Prints one line per failure and a summary; exits 1 on any failure.
 *
 * <pre>{@code
 * java -Xmx256m -cp <test classpath> io.sparkscore.model.keras.ModelReaderFuzz SEED MUTATIONS WORKDIR
 *      --bomb BOMB.keras ... --corpus FILE ...
 * }</pre>
 */
public final class ModelReaderFuzz {

    private static final long READ_TIMEOUT_SECONDS = 20;
    private static final Configuration CONF = new Configuration();
    private static final long[] HOSTILE_NUMBERS = {0, -1, -2147483648L, 2147483647L, 2147483648L, 4294967298L,
            Long.MAX_VALUE, 65536, 1_000_000_007};

    private final Random random;
    private final Path work;
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fuzz-reader");
        t.setDaemon(true);
        return t;
    });
    private final List<String> failures = new ArrayList<>();
    private final Map<String, Integer> outcomes = new LinkedHashMap<>();

    private ModelReaderFuzz(long seed, Path work) {
        this.random = new Random(seed);
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[0]);
        int mutations = Integer.parseInt(args[1]);
        Path work = Path.of(args[2]);
        List<Path> bombs = new ArrayList<>();
        List<Path> corpus = new ArrayList<>();
        List<Path> target = null;
        for (int i = 3; i < args.length; i++) {
            switch (args[i]) {
                case "--bomb" -> target = bombs;
                case "--corpus" -> target = corpus;
                default -> target.add(Path.of(args[i]));
            }
        }
        ModelReaderFuzz fuzz = new ModelReaderFuzz(seed, work);
        for (Path bomb : bombs) {
            fuzz.expectRefused(bomb);
        }
        fuzz.run(corpus, mutations);
        fuzz.failures.forEach(f -> System.out.println("FAILURE " + f));
        System.out.println("fuzz: seed " + seed + ", " + mutations + " mutations of " + corpus.size() + " files, "
                + bombs.size() + " bombs, heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB: "
                + fuzz.outcomes + ", " + fuzz.failures.size() + " failures");
        System.exit(fuzz.failures.isEmpty() ? 0 : 1);
    }

    private void expectRefused(Path bomb) {
        Outcome o = read(bomb);
        count("bomb " + o.kind);
        if (!o.kind.equals("refused")) {
            failures.add("bomb " + bomb.getFileName() + " was not refused: " + o.detail);
        } else {
            System.out.println("bomb " + bomb.getFileName() + " refused: " + o.detail);
        }
    }

    private void run(List<Path> corpus, int mutations) throws IOException {
        List<byte[]> originals = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        for (Path p : corpus) {
            originals.add(Files.readAllBytes(p));
            Outcome o = read(p);
            if (o.kind.equals("failed")) {
                failures.add("unmutated " + p.getFileName() + ": " + o.detail);
            }
            hashes.add(o.kind.equals("read") ? o.detail : null);
        }
        for (int i = 0; i < mutations; i++) {
            int pick = random.nextInt(corpus.size());
            byte[] original = originals.get(pick);
            boolean zip = original.length > 1 && original[0] == 'P' && original[1] == 'K';
            Mutation m = zip ? zipMutation(original) : bytesMutation(original);
            Path file = Files.write(work.resolve("m" + i + (zip ? ".keras" : ".h5")), m.bytes);
            Outcome o = read(file);
            count(o.kind);
            String where = "#" + i + " " + m.what + " of " + corpus.get(pick).getFileName() + ": ";
            if (o.kind.equals("failed")) {
                failures.add(where + o.detail);
            } else if (m.sameModel && hashes.get(pick) != null && !o.detail.equals(hashes.get(pick))) {
                failures.add(where + "a harmless change altered the model: " + o.detail + " instead of "
                        + hashes.get(pick));
            }
            Files.delete(file);
        }
    }

    private record Mutation(String what, byte[] bytes, boolean sameModel) {
    }

    private record Outcome(String kind, String detail) {
    }

    private void count(String kind) {
        outcomes.merge(kind, 1, Integer::sum);
    }

    private Outcome read(Path file) {
        Future<Outcome> f = reader.submit(() -> {
            try {
                ModelSpec spec = KerasModelReader.read(file.toString(), CONF);
                ShapeInference.infer(spec);
                return new Outcome("read", spec.hash());
            } catch (ModelException e) {
                return new Outcome("refused", e.getMessage());
            } catch (Throwable t) {
                return new Outcome("failed", describe(t));
            }
        });
        try {
            return f.get(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            System.out.println("FAILURE reading " + file + " hangs (over " + READ_TIMEOUT_SECONDS + " s)");
            System.exit(2);
            return null;
        } catch (Exception e) {
            return new Outcome("failed", describe(e));
        }
    }

    private static String describe(Throwable t) {
        StackTraceElement[] trace = t.getStackTrace();
        return t.getClass().getName() + ": " + t.getMessage() + (trace.length > 0 ? " at " + trace[0] : "")
                + (trace.length > 1 ? " < " + trace[1] : "") + (trace.length > 2 ? " < " + trace[2] : "");
    }

    private Mutation bytesMutation(byte[] original) {
        return switch (random.nextInt(3)) {
            case 0 -> new Mutation("truncation", Arrays.copyOf(original, random.nextInt(original.length)), false);
            case 1 -> new Mutation("byte overwrite", overwrite(original), false);
            default -> new Mutation("bit flips", flip(original, 1 + random.nextInt(16)), false);
        };
    }

    private Mutation zipMutation(byte[] original) throws IOException {
        Map<String, byte[]> entries = unzip(original);
        return switch (random.nextInt(6)) {
            case 0 -> bytesMutation(original);
            case 1 -> {
                List<String> names = new ArrayList<>(entries.keySet());
                Collections.shuffle(names, random);
                Map<String, byte[]> shuffled = new LinkedHashMap<>();
                names.forEach(n -> shuffled.put(n, entries.get(n)));
                yield new Mutation("shuffled entries " + names, zip(shuffled), true);
            }
            case 2 -> {
                entries.put("model.weights.h5", flip(entries.get("model.weights.h5"), 1 + random.nextInt(16)));
                yield new Mutation("bit flips in model.weights.h5", zip(entries), false);
            }
            case 3 -> {
                byte[] w = entries.get("model.weights.h5");
                entries.put("model.weights.h5", random.nextBoolean() ? overwrite(w)
                        : Arrays.copyOf(w, random.nextInt(w.length)));
                yield new Mutation("overwritten or cut model.weights.h5", zip(entries), false);
            }
            case 4 -> {
                String json = new String(entries.get("config.json"), StandardCharsets.UTF_8);
                entries.put("config.json", editNumber(json).getBytes(StandardCharsets.UTF_8));
                yield new Mutation("edited number in config.json", zip(entries), false);
            }
            default -> {
                String json = new String(entries.get("config.json"), StandardCharsets.UTF_8);
                entries.put("config.json", editText(json).getBytes(StandardCharsets.UTF_8));
                yield new Mutation("edited text in config.json", zip(entries), false);
            }
        };
    }

    private byte[] flip(byte[] data, int flips) {
        byte[] r = data.clone();
        for (int i = 0; i < flips && r.length > 0; i++) {
            int at = random.nextInt(r.length);
            r[at] ^= (byte) (1 << random.nextInt(8));
        }
        return r;
    }

    /** Overwrites a few bytes with values a parser may take as sizes or offsets: 0x00, 0xff, 0x7f, 0x80. */
    private byte[] overwrite(byte[] data) {
        byte[] r = data.clone();
        if (r.length == 0) {
            return r;
        }
        int at = random.nextInt(r.length);
        byte value = new byte[] {0, (byte) 0xff, 0x7f, (byte) 0x80}[random.nextInt(4)];
        for (int i = at; i < Math.min(r.length, at + 1 + random.nextInt(8)); i++) {
            r[i] = value;
        }
        return r;
    }

    private String editNumber(String json) {
        List<int[]> numbers = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-?\\d+(\\.\\d+)?").matcher(json);
        while (m.find()) {
            numbers.add(new int[] {m.start(), m.end()});
        }
        if (numbers.isEmpty()) {
            return json;
        }
        int[] at = numbers.get(random.nextInt(numbers.size()));
        String replacement = random.nextInt(4) == 0 ? "1e308"
                : Long.toString(HOSTILE_NUMBERS[random.nextInt(HOSTILE_NUMBERS.length)]);
        return json.substring(0, at[0]) + replacement + json.substring(at[1]);
    }

    private String editText(String json) {
        if (json.isEmpty()) {
            return json;
        }
        int at = random.nextInt(json.length());
        return switch (random.nextInt(4)) {
            case 0 -> json.substring(0, at) + json.substring(at + 1);
            case 1 -> json.substring(0, at);
            case 2 -> json.replaceFirst("\"Dense\"|\"LSTM\"|\"GRU\"|\"Reshape\"", "\"Conv2D\"");
            default -> json.substring(0, at) + "[".repeat(1 + random.nextInt(400)) + json.substring(at);
        };
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
