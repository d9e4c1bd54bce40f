package io.sparkscore.calibration;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYPointerAnnotation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws rows/s against batch size as a PNG: one line per path and thread count with a marker per measured point,
 * the chosen plan ringed and labelled, the model and hardware in the title, and the paths excluded and candidates
 * skipped, with why, in a caption. White background, log axes with readable ticks ({@link ChartAxes}). Needs no
 * display (headless).
 */
public final class CalibrationChart {

    public static final int WIDTH = 900;
    public static final int HEIGHT = 560;
    private static final Color CHOSEN = new Color(0xD62728);
    private static final Color[] LINES = {new Color(0x1F77B4), new Color(0x2CA02C), new Color(0xFF7F0E),
        new Color(0x9467BD), new Color(0x8C564B), new Color(0x17BECF)};
    private static final int CAPTION_ENTRIES = 6;
    private static final int CAPTION_LINE_CHARS = 140;

    private CalibrationChart() {
    }

    /** @param modelName the model's name, for the title */
    public static void writePng(CalibrationReport report, String modelName, OutputStream out) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, XYSeries> series = new LinkedHashMap<>();
        report.measurements().stream()
                .sorted(Comparator.comparing(Measurement::path).thenComparingInt(Measurement::threads))
                .forEach(m -> series.computeIfAbsent(Candidates.label(m.path(), m.threads()), XYSeries::new)
                        .add(m.batchSize(), m.rowsPerSecond()));
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        Measurement chosen = report.measurements().stream().filter(m -> m.plan().equals(report.chosen()))
                .findFirst().orElse(null);
        XYSeries chosenPoint = new XYSeries("chosen plan");
        if (chosen != null) {
            chosenPoint.add(chosen.batchSize(), chosen.rowsPerSecond());
        }
        data.addSeries(chosenPoint);

        XYPlot plot = new XYPlot(data, ChartAxes.batchAxis("batch size (rows per call)"),
                ChartAxes.rateAxis("rows / s (sampled rows, conversions included)"), renderer(series.size()));
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setOutlinePaint(Color.GRAY);
        plot.getRangeAxis().setUpperMargin(0.15);
        plot.getRangeAxis().setLowerMargin(0.1);
        if (chosen != null) {
            XYPointerAnnotation label = new XYPointerAnnotation(String.format(Locale.ROOT, "chosen: %s batch %d, %s"
                    + " rows/s", Candidates.label(chosen.path(), chosen.threads()), chosen.batchSize(),
                    ChartAxes.rate(chosen.rowsPerSecond())), chosen.batchSize(), chosen.rowsPerSecond(),
                    // the chosen plan is usually the top of the chart: label below it, towards the middle
                    chosen.batchSize() > 256 ? Math.PI / 2 + 0.6 : Math.PI / 2 - 0.6);
            label.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            label.setPaint(CHOSEN);
            label.setArrowPaint(CHOSEN);
            label.setTextAnchor(chosen.batchSize() > 256 ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
            label.setBaseRadius(48);
            label.setTipRadius(11);
            label.setLabelOffset(4);
            plot.addAnnotation(label);
        }
        JFreeChart chart = new JFreeChart("sparkscore calibration of " + modelName + " on " + report.ranOn(),
                new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getLegend().setBackgroundPaint(Color.WHITE);
        String caption = caption(report);
        if (!caption.isEmpty()) {
            TextTitle text = new TextTitle(caption, new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            text.setPosition(RectangleEdge.BOTTOM);
            text.setPaint(Color.DARK_GRAY);
            chart.addSubtitle(text);
        }
        ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
    }

    private static XYLineAndShapeRenderer renderer(int lines) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < lines; i++) {
            r.setSeriesPaint(i, LINES[i % LINES.length]);
            r.setSeriesStroke(i, new BasicStroke(2f));
            r.setSeriesShape(i, new Ellipse2D.Double(-4, -4, 8, 8));
        }
        r.setSeriesLinesVisible(lines, false);
        r.setSeriesShapesFilled(lines, false);
        r.setSeriesPaint(lines, CHOSEN);
        r.setSeriesStroke(lines, new BasicStroke(3f));
        r.setSeriesShape(lines, new Ellipse2D.Double(-10, -10, 20, 20));
        return r;
    }

    /** Excluded paths and skipped candidates with their reasons, a line each (the first few). */
    static String caption(CalibrationReport report) {
        List<String> lines = new ArrayList<>();
        report.excludedPaths().forEach((path, why) -> lines.add("path " + path + " excluded: " + why));
        report.skippedCandidates().forEach((candidate, why) -> lines.add(candidate + " skipped: " + why));
        if (lines.size() > CAPTION_ENTRIES) {
            int more = lines.size() - CAPTION_ENTRIES;
            lines.subList(CAPTION_ENTRIES, lines.size()).clear();
            lines.add("... and " + more + " more in _sparkscore_calibration.json");
        }
        return String.join("\n", lines.stream().map(CalibrationChart::wrap).toList());
    }

    /** Breaks a caption entry at spaces into lines that fit the chart's width. */
    private static String wrap(String entry) {
        StringBuilder wrapped = new StringBuilder();
        int lineStart = 0;
        for (String word : entry.split(" ")) {
            if (wrapped.length() - lineStart + word.length() > CAPTION_LINE_CHARS && wrapped.length() > lineStart) {
                wrapped.append("\n    ");
                lineStart = wrapped.length() - 4;
            } else if (wrapped.length() > 0) {
                wrapped.append(' ');
            }
            wrapped.append(word);
        }
        return wrapped.toString();
    }
}
