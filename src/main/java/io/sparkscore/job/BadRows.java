package io.sparkscore.job;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;

/**
 * Applies the bad-row policy to the rows {@link RowChecks} flagged: {@code fail} stops before scoring with the first
 * bad row's key and reason; {@code skip} counts them by reason; {@code quarantine} counts them and writes them (key
 * columns, {@code reason}, {@code reason_code}) to the quarantine path after the output.
 *
 * <p>Counting takes one pass over the input; writing quarantined rows another, only when there are any.
 */
final class BadRows {

    private final JobOptions options;
    private final Dataset<Row> checked;
    private final Dataset<Row> bad;
    private Map<String, Long> countsByCode;
    private long rowsIn;

    BadRows(JobOptions options, Dataset<Row> checked) {
        this.options = options;
        this.checked = checked;
        List<Column> cols = new java.util.ArrayList<>();
        options.keptColumns().forEach(k -> cols.add(col(RowChecks.quote(k))));
        cols.add(col(RowChecks.REASON));
        cols.add(col(RowChecks.REASON_CODE));
        this.bad = checked.filter(col(RowChecks.REASON).isNotNull()).select(cols.toArray(Column[]::new));
    }

    /**
     * One pass over all input rows counting them, and the bad ones by reason code. Under {@code fail}, a bad row
     * then stops the run with the first one's key and reason.
     */
    Map<String, Long> check() {
        Map<String, Long> counts = new TreeMap<>();
        long all = 0;
        for (Row r : checked.groupBy(RowChecks.REASON_CODE).count().collectAsList()) {
            all += r.getLong(1);
            if (!r.isNullAt(0)) {
                counts.put(r.getString(0), r.getLong(1));
            }
        }
        rowsIn = all;
        countsByCode = counts;
        if (options.badRows() == BadRowPolicy.FAIL && !counts.isEmpty()) {
            Row r = bad.limit(1).collectAsList().get(0);
            int keyCount = options.keptColumns().size();
            StringBuilder key = new StringBuilder("[");
            for (int i = 0; i < keyCount; i++) {
                key.append(i > 0 ? ", " : "").append(options.keptColumns().get(i)).append('=').append(r.get(i));
            }
            throw JobException.data("bad row " + key.append(']') + ": " + r.getString(keyCount) + " (--bad-rows"
                    + " fail stops at the first one; use --bad-rows quarantine to score the rest and keep the bad"
                    + " rows aside)");
        }
        return counts;
    }

    /** All input rows, good and bad, as counted by {@link #check()}. */
    long rowsIn() {
        return rowsIn;
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
}
