package io.sparkscore.job;

import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.Locale;
import java.util.Set;

/** Opens the input dataset in the format the user named, with errors that name the path. */
public final class InputSource {

    private static final Set<String> FORMATS = Set.of("parquet", "orc", "csv", "json", "avro");

    private InputSource() {
    }

    public static Dataset<Row> read(SparkSession spark, String path, String format) {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(fmt)) {
            throw JobException.config("unknown --input-format '" + format + "'; expected one of " + FORMATS);
        }
        DataFrameReader reader = spark.read().format(fmt);
        if (fmt.equals("csv")) {
            reader = reader.option("header", "true").option("inferSchema", "false");
        }
        try {
            return reader.load(path);
        } catch (Exception e) {
            if (e instanceof AnalysisException && String.valueOf(e.getMessage()).contains("PATH_NOT_FOUND")) {
                throw new JobException(JobException.DATA, "input path " + path + " does not exist; check --input", e);
            }
            throw new JobException(JobException.DATA, "cannot read input " + path + " as " + fmt + ": "
                    + e.getMessage(), e);
        }
    }
}
