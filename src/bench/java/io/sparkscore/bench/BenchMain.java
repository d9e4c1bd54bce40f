package io.sparkscore.bench;

import io.sparkscore.runtime.RuntimeOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs every benchmark section of "Benchmarks that show where sparkscore stands" in one JVM, prints one table and
 * writes {@code bench/results.json}, {@code bench/RESULTS.md}, {@code bench/throughput.png} and the exhaustive
 * calibration grids as {@code bench/calibration-grid-*.png}. Progress goes to stderr; stdout gets only the table.
 *
 * <p>Usage: {@code BenchMain [--quick] [--only 1,2,...] <results dir> <work dir>}. Started by {@code scripts/bench.sh}.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Set<Integer> only = Set.of(1, 2, 3, 4, 5);
        List<String> dirs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--only" -> only = parseSections(args[++i]);
                default -> dirs.add(args[i]);
            }
        }
        if (dirs.size() != 2) {
            throw new IllegalArgumentException("usage: BenchMain [--quick] [--only 1,2,..] <results dir> <work dir>");
        }
        Path work = Path.of(dirs.get(1));
        // bench/ keeps the last full run; a quick or partial run must not replace it with a subset
        boolean full = !quick && only.size() == 5;
        Path results = full ? Path.of(dirs.get(0)) : work.resolve("results");
        Files.createDirectories(results);
        Files.createDirectories(work);

        List<Figure> figures = new ArrayList<>();
        java.util.function.Consumer<Figure> sink = f -> {
            figures.add(f);
            System.err.printf("[bench] %s: %s %s %s%n", f.name(), f.formattedValue(), f.unit(), f.verdict());
        };
        // sparkscore jobs print their calibration tables to stdout; keep stdout for the one results table.
        PrintStream console = System.out;
        Path jobOutput = work.resolve("job-stdout.log");
        long start = System.nanoTime();
        // One intra-op thread everywhere: what a Spark task with spark.task.cpus=1 gets, and TensorFlow keeps the
        // first session's pool size for the whole process anyway.
        RuntimeOptions options = RuntimeOptions.singleThreaded();
        try (Spark spark = new Spark();
             PrintStream jobs = new PrintStream(Files.newOutputStream(jobOutput), true, StandardCharsets.UTF_8)) {
            System.setOut(jobs);
            if (only.contains(1)) {
                new MicroBench(quick, options, sink).run();
            }
            if (only.contains(4)) {
                new CalibrationBench(quick, results, sink).run();
            }
            if (only.contains(2) || only.contains(4)) {
                new MediumJobBench(quick, work, spark, sink).run(only);
            }
            if (only.contains(2) || only.contains(3) || only.contains(4) || only.contains(5)) {
                new SparkBench(quick, work, spark, sink).run(only);
            }
        } finally {
            System.setOut(console);
        }
        double minutes = (System.nanoTime() - start) / 6e10;
        String mode = quick ? "quick" : "full";
        Map<String, String> machine = Machine.describe();
        machine.put("benchmark wall time", String.format("%.1f min", minutes));
        figures.sort(java.util.Comparator.comparingInt(Figure::section));
        System.out.println();
        System.out.print(ResultsWriter.table(figures));
        ResultsWriter.json(figures, machine, mode, results.resolve("results.json"));
        Files.writeString(results.resolve("RESULTS.md"), ResultsWriter.markdown(figures, machine, mode));
        ResultsWriter.throughputChart(figures, results.resolve("throughput.png"));
        System.out.printf("%nWrote %s/{results.json,RESULTS.md,*.png} in %.1f min (%s); the jobs' own output is in"
                + " %s%n", results, minutes, CallTimer.sinkIsFinite() ? "finite predictions"
                : "non-finite predictions seen", jobOutput);
    }

    private static Set<Integer> parseSections(String list) {
        Set<Integer> sections = new java.util.TreeSet<>();
        for (String s : list.split(",")) {
            sections.add(Integer.parseInt(s.trim()));
        }
        return sections;
    }

    /** The machine the numbers came from. */
    static final class Machine {

        private Machine() {
        }

        static Map<String, String> describe() throws IOException {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("nproc", String.valueOf(Runtime.getRuntime().availableProcessors()));
            m.put("CPU", cpuModel());
            m.put("Java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            m.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
            m.put("max heap", Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
            m.put("load average at end", loadAverage());
            return m;
        }

        private static String cpuModel() throws IOException {
            Path cpuinfo = Path.of("/proc/cpuinfo");
            if (!Files.exists(cpuinfo)) {
                return "unknown";
            }
            return Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        }

        private static String loadAverage() throws IOException {
            Path load = Path.of("/proc/loadavg");
            return Files.exists(load) ? Files.readString(load).trim() : "unknown";
        }
    }
}
