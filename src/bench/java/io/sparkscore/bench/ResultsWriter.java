package io.sparkscore.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.data.category.DefaultCategoryDataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders the figures as one text table, as Markdown (with the machine), as JSON and as a throughput chart. */
final class ResultsWriter {

    private static final String[] SECTIONS = {"", "1 micro (seed experiment)", "2 job overhead", "3 baselines",
        "4 calibration", "5 scaling"};

    private ResultsWriter() {
    }

    static String table(List<Figure> figures) {
        int nameWidth = figures.stream().mapToInt(f -> f.name().length()).max().orElse(10);
        StringBuilder sb = new StringBuilder();
        String header = String.format("%-2s %-" + nameWidth + "s %12s %-5s %-9s %-6s  %s%n", "#", "figure", "value",
                "unit", "goal", "", "how measured");
        sb.append(header).append("-".repeat(header.length() - 1)).append('\n');
        for (Figure f : figures) {
            sb.append(String.format("%-2d %-" + nameWidth + "s %12s %-5s %-9s %-6s  %s%n", f.section(), f.name(),
                    f.formattedValue(), f.unit(), f.goal(), f.verdict(), f.method()));
        }
        return sb.toString();
    }

    static String markdown(List<Figure> figures, Map<String, String> machine, String mode) {
        StringBuilder sb = new StringBuilder("# sparkscore benchmark results\n\n");
        sb.append("Produced by `scripts/bench.sh").append(mode.equals("quick") ? " --quick" : "")
                .append("` (").append(mode).append(" mode). Ratios are measured side by side in the same run;")
                .append(" absolute numbers move with the machine's load.\n\n");
        machine.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
        sb.append("\nCharts: `bench/throughput.png` (Spark jobs, rows/s), `bench/calibration-grid-tiny.png` and")
                .append(" `bench/calibration-grid-medium_cal.png` (exhaustive calibration grids). Raw figures:")
                .append(" `bench/results.json`.\n\n")
                .append("Not measured, and why: the full-width medium model on the jvm path (one batch-32 call would")
                .append(" take minutes: medium_w8 already needs seconds per call and the full model does ~64x its")
                .append(" convolution work); the medium_cal grid stops at batch 1024 on the jvm path for the same")
                .append(" reason. Every model runs with one TensorFlow intra-op thread, as a Spark task with")
                .append(" spark.task.cpus=1 does (TensorFlow fixes the pool size for the whole process).\n");
        int section = 0;
        for (Figure f : figures) {
            if (f.section() != section) {
                section = f.section();
                sb.append("\n### ").append(SECTIONS[section]).append("\n\n")
                        .append("| figure | value | goal | verdict | how measured |\n|---|---:|---|---|---|\n");
            }
            sb.append("| ").append(cell(f.name())).append(" | ").append(f.formattedValue()).append(' ')
                    .append(f.unit()).append(" | ").append(cell(f.goal())).append(" | ").append(f.verdict())
                    .append(" | ").append(cell(f.method())).append(" |\n");
        }
        return sb.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }

    static void json(List<Figure> figures, Map<String, String> machine, String mode, Path target)
            throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Figure f : figures) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("section", f.section());
            row.put("name", f.name());
            row.put("value", Double.isFinite(f.value()) ? f.value() : null);
            row.put("unit", f.unit());
            row.put("goal", f.goal());
            row.put("met", f.met());
            row.put("method", f.method());
            rows.add(row);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("mode", mode);
        doc.put("machine", machine);
        doc.put("figures", rows);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(target.toFile(), doc);
    }

    /** Rows per second of every Spark job figure (unit rows/s), on a log axis. */
    static void throughputChart(List<Figure> figures, Path target) throws IOException {
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Figure f : figures) {
            if (f.unit().equals("rows/s") && f.value() > 0) {
                data.addValue(f.value(), "rows/s", shortName(f.name()));
            }
        }
        JFreeChart chart = ChartFactory.createBarChart("sparkscore: Spark job throughput (rows/s, log scale)", null,
                "rows / s", data, PlotOrientation.HORIZONTAL, false, false, false);
        double min = figures.stream().filter(f -> f.unit().equals("rows/s") && f.value() > 0)
                .mapToDouble(Figure::value).min().orElse(1);
        double max = figures.stream().filter(f -> f.unit().equals("rows/s"))
                .mapToDouble(Figure::value).max().orElse(10);
        // Bars start at the axis' lower bound: a log axis has no zero to start from.
        double floor = Math.pow(10, Math.floor(Math.log10(min / 2)));
        LogAxis axis = new LogAxis("rows / s");
        axis.setRange(floor, max * 2);
        chart.getCategoryPlot().setRangeAxis(axis);
        ((BarRenderer) chart.getCategoryPlot().getRenderer()).setBase(floor);
        chart.getCategoryPlot().getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.STANDARD);
        chart.getCategoryPlot().getDomainAxis().setMaximumCategoryLabelWidthRatio(0.5f);
        Files.createDirectories(target.getParent());
        try (var out = Files.newOutputStream(target)) {
            ChartUtils.writeChartAsPNG(out, chart, 1300, 60 + 36 * Math.max(4, data.getColumnCount()));
        }
    }

    private static String shortName(String name) {
        return name.length() <= 70 ? name : name.substring(0, 67) + "...";
    }
}
