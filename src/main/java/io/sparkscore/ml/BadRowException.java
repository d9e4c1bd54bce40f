package io.sparkscore.ml;

/** A row that cannot be scored (null, NaN or infinite feature, wrong array length); names the row key and column. */
public class BadRowException extends DataException {

    private final String rowKey;

    public BadRowException(String rowKey, String column, String reason) {
        super(column, "row " + rowKey + ": column '" + column + "' " + reason, null);
        this.rowKey = rowKey;
    }

    public String rowKey() {
        return rowKey;
    }
}
