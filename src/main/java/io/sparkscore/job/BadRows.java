package io.sparkscore.job;

import io.sparkscore.ml.JobException;
import io.sparkscore.ml.RowChecks;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;

/**
 * Applies the bad-row policy to the rows {@link RowChecks} flagged: {@code fail} stops before scoring with the first
 * bad row's key and reason; under {@code skip} and {@code quarantine} the scoring tasks count them by reason as they
 * pass (no extra pass), and {@code quarantine} then writes them (key columns, {@code reason}, {@code reason_code}) to
 * the quarantine path after the output — one more pass, only when there are any.
 */
final class BadRows {

    private final JobOptions options;
    private final Dataset<Row> checked;
    private Map<String, Long> countsByCode = Map.of();

    BadRows(JobOptions options, Dataset<Row> checked) {
        this.options = options;
        this.checked = checked;
    }

    /** The bad rows' key columns and reasons (planned on demand: a run with no bad rows never needs it). */
    private Dataset<Row> bad() {
        List<Column> cols = new java.util.ArrayList<>();
        options.keptColumns().forEach(k -> cols.add(col(RowChecks.quote(k))));
        cols.add(col(RowChecks.REASON));
        cols.add(col(RowChecks.REASON_CODE));
        return checked.filter(col(RowChecks.REASON).isNotNull()).select(cols.toArray(Column[]::new));
    }

    /**
     * Under {@code fail}, stops the run before scoring with the first bad row's key and reason (a pass over the
     * input that ends at the first bad row). The other policies learn of bad rows while scoring, in the same pass.
     */
    void failOnFirst() {
        if (options.badRows() != BadRowPolicy.FAIL) {
            return;
        }
        List<Row> first = bad().limit(1).collectAsList();
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
    }

    /** Bad rows by reason code, as the scoring tasks counted them. */
    void record(Map<String, Long> counts) {
        countsByCode = new TreeMap<>(counts);
    }

    Map<String, Long> countsByCode() {
        return countsByCode;
    }

    long total() {
        return countsByCode.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Writes the quarantined rows (only under {@code quarantine}, only when there are any). */
    void quarantine() {
        if (options.badRows() == BadRowPolicy.QUARANTINE && total() > 0) {
            OutputSink.write(bad(), options.toBuilder().optOutputFormat("parquet").optMaxRecordsPerFile(0)
                    .optCoalesce(0).build(), options.effectiveQuarantinePath(), null);
        }
    }
}
