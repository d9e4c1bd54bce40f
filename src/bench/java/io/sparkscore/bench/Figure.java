package io.sparkscore.bench;

/**
 * One line of the results table.
 *
 * @param section the section number (1 micro, 2 job overhead, 3 baselines, 4 calibration, 5 scaling)
 * @param name    what was measured
 * @param value   the measured number
 * @param unit    its unit
 * @param goal    the goal for it, or empty when it is context for another figure
 * @param met     whether the goal was met; null when there is no goal
 * @param method  how it was measured (warm-up, repetitions, statistic, sizes)
 */
record Figure(int section, String name, double value, String unit, String goal, Boolean met, String method) {

    static Figure context(int section, String name, double value, String unit, String method) {
        return new Figure(section, name, value, unit, "", null, method);
    }

    static Figure atMost(int section, String name, double value, String unit, double goal, String method) {
        return new Figure(section, name, value, unit, "<= " + fmt(goal), value <= goal, method);
    }

    static Figure atLeast(int section, String name, double value, String unit, double goal, String method) {
        return new Figure(section, name, value, unit, ">= " + fmt(goal), value >= goal, method);
    }

    String verdict() {
        return met == null ? "" : met ? "met" : "MISSED";
    }

    String formattedValue() {
        return fmt(value);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 1e6) {
            return String.format("%.3gM", v / 1e6);
        }
        if (a >= 1000) {
            return String.format("%,.0f", v);
        }
        if (a >= 0.01) {
            return String.format("%.3g", v);
        }
        return String.format("%.2e", v);
    }
}
