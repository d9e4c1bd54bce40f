package io.sparkscore.ml;

import io.sparkscore.job.LocalSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks of a sequence (the array of a model input with an open dimension, steps of 2 values, 2 to 4 steps)
 * give each row the same reason code in Spark SQL ({@link RowChecks}), in the column-batch scorer's Java verdict
 * ({@link RowVerdict}) and, as the reason text, in the feature mapping's read ({@link SequenceLengths#problem}).
 */
class SequenceRowChecksTest {

    private static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType)
            .add("x", DataTypes.createArrayType(DataTypes.DoubleType));
    private static final List<InputBinding> BINDINGS = List.of(InputBinding.array("seq", "x"));
    private static final int[] STEP = {2};
    private static final SequenceLengths LENGTHS = new SequenceLengths(STEP, 2, 4);

    private static final Object[][] ROWS = {
            {1, List.of(1.0, 2.0, 3.0, 4.0)},
            {2, List.of()},
            {3, List.of(1.0, 2.0, 3.0)},
            {4, List.of(1.0, 2.0)},
            {5, List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0)},
            {6, null},
            {7, Arrays.asList(1.0, null, 3.0, 4.0)},
            {8, List.of(1.0, Double.NaN, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)},
            {9, List.of(1.0, 2.0, Double.NaN)},
    };

    @Test
    void sqlChecksJavaVerdictAndTheMappingAgreeOnEveryRow() {
        List<String> expected = Arrays.asList(null, RowChecks.SEQUENCE_LENGTH, RowChecks.SEQUENCE_LENGTH,
                RowChecks.SEQUENCE_LENGTH, RowChecks.SEQUENCE_LENGTH, "null_value", "null_value", "nan_value",
                RowChecks.SEQUENCE_LENGTH);
        assertThat(sqlCodes()).isEqualTo(expected);
        assertThat(verdicts()).isEqualTo(expected);
        assertThat(sqlReasons()).containsExactly(null,
                "x is empty; the model reads sequences of 2 to 4 steps",
                "x has 3 values, not a whole number of steps of 2",
                "x has 1 steps but the model needs at least 2",
                "x has 5 steps, more than spark.sparkscore.maxSequenceLength = 4",
                "x is null", "x has a null element", "x has a NaN element",
                "x has 3 values, not a whole number of steps of 2");
        for (Object[] r : ROWS) {
            if (r[1] != null) {
                String sql = sqlReasons().get((Integer) r[0] - 1);
                String mapping = LENGTHS.problem(0, "x", ((List<?>) r[1]).size());
                if (RowChecks.SEQUENCE_LENGTH.equals(expected.get((Integer) r[0] - 1))) {
                    assertThat(mapping).as("row %s", r[0]).isEqualTo(sql);
                } else {
                    assertThat(mapping).as("row %s", r[0]).isNull();
                }
            }
        }
    }

    @Test
    void theMaxSequenceLengthKeyIsValidated() {
        var conf = LocalSpark.get().conf();
        conf.set(SequenceLengths.MAX_LENGTH_KEY, "0");
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> SequenceLengths.maxLength(conf))
                    .hasMessage("spark.sparkscore.maxSequenceLength must be a positive whole number of steps, got 0");
            conf.set(SequenceLengths.MAX_LENGTH_KEY, "lots");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> SequenceLengths.maxLength(conf))
                    .hasMessageContaining("got 'lots'");
        } finally {
            conf.unset(SequenceLengths.MAX_LENGTH_KEY);
        }
        assertThat(SequenceLengths.maxLength(conf)).isEqualTo(SequenceLengths.DEFAULT_MAX_LENGTH);
    }

    private static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Object[] r : ROWS) {
            rows.add(RowFactory.create(r[0], r[1] == null ? null
                    : scala.jdk.javaapi.CollectionConverters.asScala((List<?>) r[1]).toList()));
        }
        return rows;
    }

    private static List<String> verdicts() {
        RowVerdict verdict = RowVerdict.of(SCHEMA, BINDINGS, STEP, false, LENGTHS).orElseThrow();
        return InternalRows.of(SCHEMA, rows()).stream().map(verdict::reasonCode).toList();
    }

    private static Dataset<Row> checked() {
        Dataset<Row> input = LocalSpark.get().createDataFrame(rows(), SCHEMA);
        return RowChecks.checked(input, List.of("id"), BINDINGS, STEP, false, false, RowChecks.Categories.NONE,
                LENGTHS).orderBy("id");
    }

    private static List<String> sqlCodes() {
        return checked().select(RowChecks.REASON_CODE).collectAsList().stream().map(r -> r.getString(0)).toList();
    }

    private static List<String> sqlReasons() {
        return checked().select(RowChecks.REASON).collectAsList().stream().map(r -> r.getString(0)).toList();
    }
}
