package io.sparkscore.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Lets Spark configuration supply option defaults: {@code --conf spark.sparkscore.calibration-rows=8192} (or the same
 * key in a properties file given to {@code spark-submit --properties-file}, or in {@code conf/sparkscore.properties}
 * for the launcher) sets the default of {@code --calibration-rows}. Precedence: command-line flag, then Spark
 * configuration, then the built-in default. spark-submit hands {@code spark.*} settings to the driver as system
 * properties, which is where they are read.
 */
final class SparkConfDefaults implements CommandLine.IDefaultValueProvider {

    static final String PREFIX = "spark.sparkscore.";

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        return System.getProperty(PREFIX + option.longestName().replaceFirst("^-+", ""));
    }
}
