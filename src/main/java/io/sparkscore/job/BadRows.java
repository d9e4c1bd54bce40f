package io.sparkscore.job;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;

/**
 * Applies the bad-row policy to the rows {@link RowChecks} flagged: {@code fail} stops before scoring with the first
 * bad row's key and reason; {@code skip} counts them by reason; {@code quarantine} counts them and writes them (key
 * columns, {@code reason}, {@code reason_code}) to the quarantine path after the output.
 *
 * <p>Bad rows are kept cached between counting and writing, so the input is scanned for them once.
 */
final class BadRows implements AutoCloseable {

    private final JobOptions options;
    private final Dataset<Row> bad;
    private Map<String, Long> countsByCode;

    BadRows(JobOptions options, Dataset<Row> checked) {
        this.options = options;
        List<Column> cols = new java.util.ArrayList<>();
        options.keptColumns().forEach(k -> cols.add(col(RowChecks.quote(k))));
        cols.add(col(RowChecks.REASON));
        cols.add(col(RowChecks.REASON_CODE));
        this.bad = checked.filter(col(RowChecks.REASON).isNotNull()).select(cols.toArray(Column[]::new));
    }

    /** Under {@code fail}, throws for the first bad row; otherwise counts bad rows by reason code. */
    Map<String, Long> check() {
        if (options.badRows() == BadRowPolicy.FAIL) {
            List<Row> first = bad.limit(1).collectAsList();
            if (!first.isEmpty()) {
                Row r = first.get(0);
                int keyCount = options.keptColumns().size();
                StringBuilder key = new StringBuilder("[");
                for (int i = 0; i < keyCount; i++) {
                    key.append(i > 0 ? ", " : "").append(options.keptColumns().get(i)).append('=').append(r.get(i));
                }
                throw JobException.data("bad row " + key.append(']') + ": " + r.getString(keyCount) + " (--bad-rows"
                        + " fail stops at the first one; use --bad-rows quarantine to score the rest and keep the bad"
                        + " rows aside)");
            }
            countsByCode = Map.of();
            return countsByCode;
        }
        bad.persist(StorageLevel.MEMORY_AND_DISK());
        Map<String, Long> counts = new TreeMap<>();
        for (Row r : bad.groupBy(RowChecks.REASON_CODE).count().collectAsList()) {
            counts.put(r.getString(0), r.getLong(1));
        }
        countsByCode = counts;
        return counts;
    }

    long total() {
        return countsByCode.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Writes the quarantined rows (only under {@code quarantine}, only when there are any). */
    void quarantine() {
        if (options.badRows() == BadRowPolicy.QUARANTINE && total() > 0) {
            OutputSink.write(bad, options.toBuilder().optOutputFormat("parquet").optMaxRecordsPerFile(0)
                    .optCoalesce(0).build(), options.effectiveQuarantinePath(), null);
        }
    }

    @Override
    public void close() {
        bad.unpersist();
    }
}
