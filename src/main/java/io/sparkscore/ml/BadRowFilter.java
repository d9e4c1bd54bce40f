package io.sparkscore.ml;

import org.apache.spark.sql.Row;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * Passes on the rows {@link RowChecks} found good and counts the bad ones by reason code, so that scoring accounts
 * for every row in the same pass that scores it. Not thread-safe (one per task).
 */
final class BadRowFilter implements Iterator<Row> {

    private final Iterator<Row> rows;
    private final int reasonCodeIndex;
    private final Map<String, Long> badByCode = new TreeMap<>();
    private long rowsSeen;
    private Row next;

    /** @param reasonCodeIndex where {@link RowChecks#REASON_CODE} is in the rows (null for good rows) */
    BadRowFilter(Iterator<Row> rows, int reasonCodeIndex) {
        this.rows = rows;
        this.reasonCodeIndex = reasonCodeIndex;
    }

    @Override
    public boolean hasNext() {
        while (next == null && rows.hasNext()) {
            Row row = rows.next();
            rowsSeen++;
            if (row.isNullAt(reasonCodeIndex)) {
                next = row;
            } else {
                badByCode.merge(row.getString(reasonCodeIndex), 1L, Long::sum);
            }
        }
        return next != null;
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Row row = next;
        next = null;
        return row;
    }

    /** Every row the task read, good or bad. */
    long rowsSeen() {
        return rowsSeen;
    }

    Map<String, Long> badByCode() {
        return badByCode;
    }
}
