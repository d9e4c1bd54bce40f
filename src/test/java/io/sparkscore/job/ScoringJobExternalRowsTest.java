package io.sparkscore.job;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every {@link ScoringJobTest} case again with {@code spark.sparkscore.rowFormat=external}: scoring on external Rows
 * behaves exactly as scoring on Spark's internal rows (the default there).
 */
class ScoringJobExternalRowsTest extends ScoringJobTest {

    @BeforeAll
    static void scoreExternalRows() {
        spark.conf().set(RowFormat.KEY, "external");
    }

    @AfterAll
    static void backToTheDefault() {
        spark.conf().unset(RowFormat.KEY);
    }
}
