package io.sparkscore.ml;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * What the scoring pass hands to {@link PartitionScorer}: the file reader's column batches where the input is a plain
 * Parquet/ORC scan, Spark's own internal rows where the session allows it, external {@link Row}s elsewhere. The
 * checks, counts and predictions are the same every way; only the conversions around the model differ.
 *
 * <pre>
 *  COLUMNAR: vectorized reader ─▶ ColumnarBatch ─▶ mapPartitions: floats column by column from the vectors, Java
 *              checks of the flagged rows ─▶ UnsafeRows ─▶ ScoredRowsExec (no copy) ─▶ write   (see ColumnarScoring)
 *  INTERNAL: checked query (whole-stage codegen over the columnar reader) ─▶ toRdd: InternalRow
 *              ─▶ mapPartitions: floats straight from the row, predictions into reused mutable rows
 *              ─▶ internalCreateDataFrame ─▶ write
 *  EXTERNAL: checked query ─▶ Row deserializer ─▶ mapPartitions: Row in, new Row out ─▶ Row serializer ─▶ write
 * </pre>
 *
 * <p>{@code spark.sparkscore.rowFormat} ({@code auto}, {@code columnar}, {@code internal}, {@code external}) overrides
 * the choice, to compare them or to step around a problem in one of them; {@code auto} is {@code columnar} on a
 * classic session.
 */
public enum RowFormat {

    /**
     * The reader's column batches in, internal rows out: needs a classic session and an input that is a plain
     * Parquet/ORC scan of numeric features; other inputs are scored as {@link #INTERNAL}.
     */
    COLUMNAR,
    /** A Row encoder both ways: works on any session. */
    EXTERNAL,
    /** The checked query's internal rows in, internal rows out: needs a classic (not Spark Connect) session. */
    INTERNAL;

    public static final String KEY = "spark.sparkscore.rowFormat";
    private static final Logger LOG = LoggerFactory.getLogger(RowFormat.class);

    static RowFormat choose(SparkSession spark) {
        String asked = spark.conf().get(KEY, "auto");
        RowFormat format = resolve(asked, spark);
        LOG.info("Scoring reads {} ({}={})", switch (format) {
            case COLUMNAR -> "column batches where the input allows it, else Spark's internal rows";
            case INTERNAL -> "and writes Spark's internal rows";
            case EXTERNAL -> "and writes external Rows";
        }, KEY, asked);
        return format;
    }

    private static RowFormat resolve(String asked, SparkSession spark) {
        boolean classic = spark instanceof org.apache.spark.sql.classic.SparkSession;
        switch (asked.trim().toLowerCase(Locale.ROOT)) {
            case "auto":
                return classic ? COLUMNAR : EXTERNAL;
            case "external":
                return EXTERNAL;
            case "internal":
            case "columnar":
                if (!classic) {
                    throw JobException.config(KEY + "=" + asked.trim() + " needs a classic Spark session, but this"
                            + " session is a " + spark.getClass().getName() + "; set it to auto or external");
                }
                return asked.trim().equalsIgnoreCase("internal") ? INTERNAL : COLUMNAR;
            default:
                throw JobException.config("unknown " + KEY + " '" + asked + "'; expected auto, columnar, internal or"
                        + " external");
        }
    }

    /**
     * The scored rows of {@code checked}, lazily: nothing runs until they are written. {@link #COLUMNAR} scores
     * column batches through {@link ColumnarScoring} where it can; here, its fallback, it reads internal rows.
     */
    Dataset<Row> score(Dataset<Row> checked, PartitionScorer scorer, StructType outSchema) {
        if (this == EXTERNAL) {
            return checked.mapPartitions(scorer, Encoders.row(outSchema));
        }
        JavaRDD<InternalRow> rows = checked.queryExecution().toRdd().toJavaRDD();
        JavaRDD<InternalRow> scored = rows.mapPartitions(scorer.onInternalRows());
        return ((org.apache.spark.sql.classic.SparkSession) checked.sparkSession())
                .internalCreateDataFrame(scored.rdd(), outSchema, false);
    }
}
