package io.sparkscore.job;

import org.junit.jupiter.api.extension.ExtendWith;

/** Every {@link ScoringJobTest} case again on external Rows: both row formats behave exactly the same. */
@ExtendWith(ExternalRows.class)
class ScoringJobExternalRowsTest extends ScoringJobTest {
}
