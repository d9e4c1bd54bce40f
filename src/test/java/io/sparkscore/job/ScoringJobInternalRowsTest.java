package io.sparkscore.job;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every {@link ScoringJobTest} case again on Spark's internal rows of the checked query, never column batches: every row
 * format behaves exactly the same.
 */
@ExtendWith(RowFormatSetting.InternalRows.class)
class ScoringJobInternalRowsTest extends ScoringJobTest {
}
