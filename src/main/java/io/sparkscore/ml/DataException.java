package io.sparkscore.ml;

/**
 * The input does not fit the model or the run: a missing or mistyped column, a bad row under {@code --bad-rows
 * fail}, an input that cannot be read, a row count that does not reconcile. Carries the column when one is to blame.
 */
public class DataException extends JobException {

    private final String column;

    public DataException(String message) {
        this(null, message, null);
    }

    public DataException(String column, String message, Throwable cause) {
        super(message, cause);
        this.column = column;
    }

    /** The input column at fault, or null when the failure is not about one column. */
    public String column() {
        return column;
    }
}
