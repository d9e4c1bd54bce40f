package io.sparkscore.ml;

/** A row that cannot be scored (null, NaN or infinite feature, wrong array length); names the row key and column. */
public class BadRowException extends JobException {

    private final String rowKey;
    private final String column;

    public BadRowException(String rowKey, String column, String reason) {
        super(DATA, "row " + rowKey + ": column '" + column + "' " + reason);
        this.rowKey = rowKey;
        this.column = column;
    }

    public String rowKey() {
        return rowKey;
    }

    public String column() {
        return column;
    }
}
