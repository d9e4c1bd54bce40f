package io.sparkscore.job;

import org.junit.jupiter.api.extension.ExtendWith;

/** Every {@link DataInOutTest} case again on external Rows: every row format behaves exactly the same. */
@ExtendWith(RowFormatSetting.ExternalRows.class)
class DataInOutExternalRowsTest extends DataInOutTest {
}
