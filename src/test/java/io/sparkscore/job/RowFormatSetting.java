package io.sparkscore.job;

import io.sparkscore.ml.RowFormat;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class's jobs with one {@code spark.sparkscore.rowFormat} on the shared test session: applied to a
 * subclass of a job test, it runs every case again on that format (the default there reads column batches where the
 * input is a plain Parquet scan, internal rows elsewhere).
 */
abstract class RowFormatSetting implements BeforeAllCallback, AfterAllCallback {

    private final String format;

    RowFormatSetting(String format) {
        this.format = format;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        LocalSpark.get().conf().set(RowFormat.KEY, format);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        LocalSpark.get().conf().unset(RowFormat.KEY);
    }

    /** External Rows, through the Row encoder both ways. */
    static final class ExternalRows extends RowFormatSetting {
        ExternalRows() {
            super("external");
        }
    }

    /** Spark's internal rows of the checked query, never column batches. */
    static final class InternalRows extends RowFormatSetting {
        InternalRows() {
            super("internal");
        }
    }
}
