package io.sparkscore.job;

import io.sparkscore.ml.ConfigurationException;
import io.sparkscore.ml.DataException;
import io.sparkscore.ml.JobException;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.Locale;
import java.util.Set;

/**
 * Opens the input: a path in one of the supported formats or a catalog table, then applies {@code --where} and
 * {@code --sample}. Errors name the path or table.
 */
public final class InputSource {

    public static final Set<String> FORMATS = Set.of("parquet", "orc", "csv", "json", "avro");
    /** Seed of {@code --sample}, fixed so that every pass over the input (count, calibration, scoring) agrees. */
    static final long SAMPLE_SEED = 20_261_129L;

    private InputSource() {
    }

    public static Dataset<Row> open(SparkSession spark, JobOptions options) {
        Dataset<Row> input = options.inputTable() != null
                ? table(spark, options.inputTable())
                : read(spark, options.inputPath(), options.inputFormat());
        if (options.where() != null) {
            try {
                input = input.where(options.where());
            } catch (Exception e) {
                throw new ConfigurationException("--where '" + options.where() + "' is not a valid SQL"
                        + " predicate for this input: " + firstLine(e), e);
            }
        }
        if (options.sampleFraction() != null && options.sampleFraction() < 1) {
            input = input.sample(false, options.sampleFraction(), SAMPLE_SEED);
        }
        return input;
    }

    static Dataset<Row> read(SparkSession spark, String path, String format) {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(fmt)) {
            throw JobException.config("unknown --input-format '" + format + "'; expected one of " + FORMATS);
        }
        DataFrameReader reader = spark.read().format(fmt);
        if (fmt.equals("csv")) {
            // no schema inference: features are parsed as numbers later, with an error naming each bad value
            reader = reader.option("header", "true").option("inferSchema", "false");
        }
        try {
            return reader.load(path);
        } catch (Exception e) {
            if (String.valueOf(e.getMessage()).contains("PATH_NOT_FOUND")) {
                throw new DataException(null, "input path " + path + " does not exist; check --input", e);
            }
            throw new DataException(null, "cannot read input " + path + " as " + fmt + ": "
                    + firstLine(e), e);
        }
    }

    private static Dataset<Row> table(SparkSession spark, String name) {
        try {
            return spark.table(name);
        } catch (Exception e) {
            if (e instanceof AnalysisException) {
                throw new DataException(null, "input table " + name + " cannot be read: "
                        + firstLine(e) + "; check --input-table and the catalog", e);
            }
            throw e;
        }
    }

    static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
