package io.sparkscore.job;

import org.junit.jupiter.api.extension.ExtendWith;

/** Every {@link ScoringJobTest} case again on external Rows: every row format behaves exactly the same. */
@ExtendWith(RowFormatSetting.ExternalRows.class)
class ScoringJobExternalRowsTest extends ScoringJobTest {
}
