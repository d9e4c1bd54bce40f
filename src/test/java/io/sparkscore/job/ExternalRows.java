package io.sparkscore.job;

import io.sparkscore.ml.RowFormat;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class's jobs with {@code spark.sparkscore.rowFormat=external} on the shared test session: applied to a
 * subclass of a job test, it runs every case again on external Rows (the default there is Spark's internal rows).
 */
final class ExternalRows implements BeforeAllCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        LocalSpark.get().conf().set(RowFormat.KEY, "external");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        LocalSpark.get().conf().unset(RowFormat.KEY);
    }
}
