package io.sparkscore.ml;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * Passes on the rows {@link RowChecks} found good and counts the bad ones by reason code, so that scoring accounts
 * for every row in the same pass that scores it. Rows that come unchecked (column batches) are passed on as good and
 * judged only when reading their features fails ({@link #badOnRead}), so a good row is checked once. Not
 * thread-safe (one per task).
 *
 * @param <R> the row type, external or internal: a row passed on stays valid until the next {@link #hasNext()}
 */
final class BadRowFilter<R> implements Iterator<R> {

    /** Reads a row's {@link RowChecks#REASON_CODE}: null for a good row. */
    interface ReasonCode<R> {
        String of(R row);
    }

    private final Iterator<R> rows;
    private final ReasonCode<R> reasonCode;
    private final ReasonCode<R> onReadFailure;
    private final Map<String, Long> badByCode = new TreeMap<>();
    private long rowsSeen;
    private R next;

    /**
     * @param reasonCode    a row's code as it arrives (null: good, or not checked yet)
     * @param onReadFailure a row's code once reading its features failed (null: the row is good and the failure is
     *                      an error); for rows that arrive checked, always null
     */
    BadRowFilter(Iterator<R> rows, ReasonCode<R> reasonCode, ReasonCode<R> onReadFailure) {
        this.rows = rows;
        this.reasonCode = reasonCode;
        this.onReadFailure = onReadFailure;
    }

    /**
     * Counts the row just passed on as bad when reading its features failed because the checks fail it too; false
     * when the checks call it good (the failure is then the caller's to raise).
     */
    boolean badOnRead(R row) {
        String code = onReadFailure.of(row);
        if (code == null) {
            return false;
        }
        badByCode.merge(code, 1L, Long::sum);
        return true;
    }

    @Override
    public boolean hasNext() {
        while (next == null && rows.hasNext()) {
            R row = rows.next();
            rowsSeen++;
            String code = reasonCode.of(row);
            if (code == null) {
                next = row;
            } else {
                badByCode.merge(code, 1L, Long::sum);
            }
        }
        return next != null;
    }

    @Override
    public R next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        R row = next;
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
