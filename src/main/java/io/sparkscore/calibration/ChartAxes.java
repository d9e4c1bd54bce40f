package io.sparkscore.calibration;

import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.Tick;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * The calibration chart's log axes with ticks a reader can use: batch sizes at the ladder's powers of four (1, 4, 16,
 * ...) and rates at 1, 2 and 5 times powers of ten labelled with k/M units, instead of JFreeChart's fractional
 * exponents (2^0.5, 10^6.2).
 */
final class ChartAxes {

    private ChartAxes() {
    }

    /** Batch size axis: ticks at powers of four. */
    static LogAxis batchAxis(String label) {
        return new TickedLogAxis(label, range -> {
            List<Double> ticks = new ArrayList<>();
            for (double v = 1; v <= range[1]; v *= 4) {
                if (v >= range[0]) {
                    ticks.add(v);
                }
            }
            return ticks;
        }, v -> String.format(Locale.ROOT, "%,d", Math.round(v)));
    }

    /** Rows/s axis: 1-2-5 ticks per decade (only the powers of ten when the data spans more than four decades). */
    static LogAxis rateAxis(String label) {
        return new TickedLogAxis(label, range -> {
            double lo = range[0];
            double hi = range[1];
            boolean wide = hi / lo > 1e4;
            List<Double> ticks = new ArrayList<>();
            for (double decade = Math.pow(10, Math.floor(Math.log10(lo))); decade <= hi; decade *= 10) {
                for (int m : wide ? new int[] {1} : new int[] {1, 2, 5}) {
                    double v = decade * m;
                    if (v >= lo && v <= hi) {
                        ticks.add(v);
                    }
                }
            }
            return ticks;
        }, ChartAxes::rate);
    }

    /** 950, 12k, 1.5M, 2G. */
    static String rate(double v) {
        String[] units = {"", "k", "M", "G"};
        int u = 0;
        while (u < units.length - 1 && Math.abs(v) >= 1000) {
            v /= 1000;
            u++;
        }
        String digits = v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v).replaceAll("\\.?0+$", "");
        return digits + units[u];
    }

    /** A log axis whose ticks and labels come from the functions given, horizontally or vertically. */
    private static final class TickedLogAxis extends LogAxis {

        private final transient java.util.function.Function<double[], List<Double>> values;
        private final transient DoubleFunction<String> labels;

        TickedLogAxis(String label, java.util.function.Function<double[], List<Double>> values,
                      DoubleFunction<String> labels) {
            super(label);
            this.values = values;
            this.labels = labels;
        }

        @Override
        protected List refreshTicksHorizontal(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
            return ticks(TextAnchor.TOP_CENTER, TextAnchor.CENTER);
        }

        @Override
        protected List refreshTicksVertical(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
            return ticks(TextAnchor.CENTER_RIGHT, TextAnchor.CENTER);
        }

        private List<Tick> ticks(TextAnchor anchor, TextAnchor rotationAnchor) {
            List<Tick> ticks = new ArrayList<>();
            for (double v : values.apply(new double[] {getLowerBound(), getUpperBound()})) {
                ticks.add(new NumberTick(v, labels.apply(v), anchor, rotationAnchor, 0.0));
            }
            return ticks;
        }
    }
}
