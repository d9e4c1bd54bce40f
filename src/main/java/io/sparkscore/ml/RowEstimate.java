package io.sparkscore.ml;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.network.util.JavaUtils;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.Statistics;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.math.BigInteger;
import java.util.OptionalLong;

/**
 * A cheap estimate of how many rows a DataFrame holds, for calibration's budget where the rows are not counted (the
 * Spark ML stage): no Spark job runs. In order: the row count of Spark's plan statistics (a limit, a range, an
 * analysed table); the row counts in the Parquet footers of the files it reads (at most {@link #MAX_FOOTERS} of them,
 * extrapolated by file count beyond); Spark's size estimate over the size of a row of its schema. Filters and joins
 * above the files are not accounted for, so the estimate can be high by their selectivity; a size Spark does not know
 * gives no estimate. Reading a footer that fails leaves the next way to estimate.
 */
final class RowEstimate {

    private static final Logger LOG = LoggerFactory.getLogger(RowEstimate.class);
    /** Footers read on the driver at most; each is one small read per file. */
    static final int MAX_FOOTERS = 32;
    /** Spark's per-row overhead in its size estimates ({@code EstimationUtils.getSizePerRow}). */
    private static final long ROW_OVERHEAD_BYTES = 8;

    private RowEstimate() {
    }

    /** The estimated rows of {@code df}, or empty when none of the ways above knows (or the session has no plan). */
    static OptionalLong of(Dataset<Row> df) {
        try {
            return estimate(df);
        } catch (UnsupportedOperationException | IllegalStateException e) {
            // e.g. a Spark Connect session, whose client holds no query plan: calibration then measures every path
            LOG.debug("No row estimate for the input: {}", e.toString());
            return OptionalLong.empty();
        }
    }

    private static OptionalLong estimate(Dataset<Row> df) {
        Statistics stats = df.queryExecution().optimizedPlan().stats();
        if (stats.rowCount().isDefined()) {
            return OptionalLong.of(clamp(stats.rowCount().get().bigInteger()));
        }
        OptionalLong footers = fromParquetFooters(df);
        if (footers.isPresent()) {
            return footers;
        }
        BigInteger size = stats.sizeInBytes().bigInteger();
        long unknown = JavaUtils.byteStringAsBytes(df.sparkSession().conf().get("spark.sql.defaultSizeInBytes",
                Long.MAX_VALUE + "b"));
        if (size.signum() <= 0 || size.compareTo(BigInteger.valueOf(unknown)) >= 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(clamp(size.divide(BigInteger.valueOf(rowBytes(df)))));
    }

    /** The rows in the footers of the Parquet files {@code df} reads; empty when it reads other files or none. */
    private static OptionalLong fromParquetFooters(Dataset<Row> df) {
        String[] files = df.inputFiles();
        if (files.length == 0) {
            return OptionalLong.empty();
        }
        Configuration hadoop = df.sparkSession().sparkContext().hadoopConfiguration();
        int read = Math.min(files.length, MAX_FOOTERS);
        long rows = 0;
        try {
            for (int i = 0; i < read; i++) {
                // spread over the listing, so that a few big or small files at one end do not skew the mean
                String file = files[(int) ((long) i * files.length / read)];
                try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file),
                        hadoop))) {
                    rows += reader.getRecordCount();
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("No row estimate from Parquet footers ({}): {}", files[0], e.toString());
            return OptionalLong.empty();
        }
        return OptionalLong.of(clamp(BigInteger.valueOf(rows).multiply(BigInteger.valueOf(files.length))
                .divide(BigInteger.valueOf(read))));
    }

    /** A row's size as Spark's estimates count it: a fixed overhead and each column's default size. */
    private static long rowBytes(Dataset<Row> df) {
        long bytes = ROW_OVERHEAD_BYTES;
        for (StructField f : df.schema().fields()) {
            bytes += f.dataType().defaultSize();
        }
        return bytes;
    }

    private static long clamp(BigInteger rows) {
        return rows.min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
    }
}
