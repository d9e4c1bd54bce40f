package io.sparkscore.calibration;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** Draws rows/s against batch size, one line per path and thread count, as a PNG. Needs no display (headless). */
public final class CalibrationChart {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;

    private CalibrationChart() {
    }

    public static void writePng(CalibrationReport report, OutputStream out) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (Measurement m : report.measurements()) {
            String key = m.path().id() + (m.path().id().equals("tf") ? " (" + m.threads() + " thr)" : "");
            series.computeIfAbsent(key, XYSeries::new).add(m.batchSize(), m.rowsPerSecond());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart(
                "sparkscore calibration - chosen: " + report.chosen(), "batch size (rows per call)", "rows / s",
                data);
        XYPlot plot = chart.getXYPlot();
        LogAxis batchAxis = new LogAxis("batch size (rows per call)");
        batchAxis.setBase(2);
        plot.setDomainAxis(batchAxis);
        LogAxis rateAxis = new LogAxis("rows / s");
        plot.setRangeAxis(rateAxis);
        ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
    }
}
