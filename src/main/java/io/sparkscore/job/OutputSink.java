package io.sparkscore.job;

import io.sparkscore.ml.JobException;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Locale;
import java.util.Set;

/**
 * Writes scored (or quarantined) rows through Spark's file commit protocol, so that a failed or killed run leaves no
 * partial output visible: task outputs are staged and only moved into place when the job commits. An existing output
 * directory under {@code --mode overwrite} is replaced only once the new one is committed ({@link StagedOverwrite}).
 */
public final class OutputSink {

    public static final Set<String> FORMATS = Set.of("parquet", "orc", "json", "csv");

    private OutputSink() {
    }

    /**
     * Refuses an output format that cannot hold rows of this schema (an unknown format, arrays in csv). The driver
     * calls it with the scored schema before any job runs; {@link #write} checks again for what it is given.
     */
    public static void requireFormatHolds(StructType schema, JobOptions options) {
        String fmt = options.outputFormat().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(fmt)) {
            throw JobException.config("unknown --output-format '" + options.outputFormat() + "'; expected one of "
                    + FORMATS);
        }
        if (fmt.equals("csv")) {
            for (StructField f : schema.fields()) {
                if (f.dataType() instanceof ArrayType) {
                    throw JobException.config("--output-format csv cannot hold column '" + f.name() + "' of type "
                            + f.dataType().simpleString() + "; use parquet, orc or json, or --output-mode argmax");
                }
            }
        }
    }

    public static void write(Dataset<Row> rows, JobOptions options, String path, String table) {
        requireFormatHolds(rows.schema(), options);
        String fmt = options.outputFormat().toLowerCase(Locale.ROOT);
        Dataset<Row> out = options.coalesce() > 0 ? rows.coalesce(options.coalesce()) : rows;
        DataFrameWriter<Row> writer = out.write().format(fmt).mode(saveMode(options.mode()));
        if (fmt.equals("csv")) {
            writer = writer.option("header", "true");
        }
        if (options.mode() == JobOptions.WriteMode.OVERWRITE_PARTITIONS) {
            writer = writer.option("partitionOverwriteMode", "dynamic");
        }
        if (options.maxRecordsPerFile() > 0) {
            writer = writer.option("maxRecordsPerFile", options.maxRecordsPerFile());
        }
        if (!options.partitionBy().isEmpty()) {
            writer = writer.partitionBy(options.partitionBy().toArray(String[]::new));
        }
        if (table != null) {
            writer.saveAsTable(table);
        } else if (options.mode() == JobOptions.WriteMode.OVERWRITE
                && OutputFiles.exists(path, rows.sparkSession().sparkContext().hadoopConfiguration())) {
            StagedOverwrite.save(writer, path, rows.sparkSession().sparkContext().hadoopConfiguration());
        } else {
            writer.save(path);
        }
    }

    private static SaveMode saveMode(JobOptions.WriteMode mode) {
        return switch (mode) {
            case ERROR -> SaveMode.ErrorIfExists;
            case OVERWRITE, OVERWRITE_PARTITIONS -> SaveMode.Overwrite;
        };
    }
}
