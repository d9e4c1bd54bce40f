package io.sparkscore.ml;

import io.sparkscore.job.LocalSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java verdict the column-batch scorer uses gives every row the reason code {@link RowChecks} gives it in Spark
 * SQL (the quarantine pass uses the latter, and its rows must match the scorer's counts): rows with several
 * problems, in several columns and within one array, included.
 */
class RowVerdictTest {

    private static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType)
            .add("f", DataTypes.FloatType).add("d", DataTypes.DoubleType).add("n", DataTypes.LongType)
            .add("x", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("k", DataTypes.createArrayType(DataTypes.IntegerType));

    private static final float NAN = Float.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;

    /** id, f, d, n, x (3 doubles expected), k (2 ints expected). */
    private static final Object[][] ROWS = {
            {1, 1f, 2.0, 3L, List.of(1.0, 2.0, 3.0), List.of(1, 2)},
            {2, null, INF, null, null, null},
            {3, NAN, null, 3L, List.of(1.0, 2.0, 3.0), List.of(1, 2)},
            {4, Float.NEGATIVE_INFINITY, Double.NaN, 3L, List.of(1.0), List.of(1, 2)},
            {5, 1f, -INF, 3L, List.of(1.0, 2.0, 3.0), List.of(1, 2)},
            {6, 1f, 1e39, null, List.of(1.0, 2.0, 3.0), List.of(1, 2)},
            {7, 1f, 2.0, 3L, Arrays.asList(INF, null, Double.NaN), List.of(1, 2)},
            {8, 1f, 2.0, 3L, List.of(INF, Double.NaN, 1.0), List.of(1, 2)},
            {9, 1f, 2.0, 3L, List.of(INF, 1.0, 1.0), Arrays.asList(1, null)},
            {10, 1f, 2.0, 3L, Arrays.asList(1.0, null), List.of(1, 2)},
            {11, 1f, 2.0, 3L, List.of(1.0, 2.0, 3.0), Arrays.asList(null, 2)},
            {12, 1f, 2.0, 3L, List.of(1.0, 2.0, 3.0), List.of(1, 2, 3)},
            {13, NAN, 2.0, 3L, List.of(1.0, Double.NaN, 3.0), List.of(1, 2)},
    };

    private static final List<InputBinding> BINDINGS = List.of(
            InputBinding.scalars("a", List.of("f", "d", "n")), InputBinding.array("b", "x"),
            InputBinding.array("c", "k"));
    private static final int[] LENGTHS = {3, 3, 2};

    @Test
    void everyRowGetsTheReasonCodeOfTheSqlChecks() {
        for (boolean allowNaN : new boolean[] {false, true}) {
            assertThat(verdicts(allowNaN)).as("allowNaN=%s", allowNaN).isEqualTo(sqlCodes(allowNaN));
        }
        assertThat(verdicts(false)).containsExactly(null, "null_value", "nan_value", "infinite_value",
                "infinite_value", "null_value", "null_value", "nan_value", "infinite_value", "wrong_length",
                "null_value", "wrong_length", "nan_value");
    }

    private static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Object[] r : ROWS) {
            Object[] values = r.clone();
            for (int i = 4; i < 6; i++) {
                values[i] = values[i] == null ? null : scala.jdk.javaapi.CollectionConverters
                        .asScala((List<?>) values[i]).toList();
            }
            rows.add(RowFactory.create(values));
        }
        return rows;
    }

    private static List<String> verdicts(boolean allowNaN) {
        RowVerdict verdict = RowVerdict.of(SCHEMA, BINDINGS, LENGTHS, allowNaN).orElseThrow();
        return InternalRows.of(SCHEMA, rows()).stream().map(verdict::reasonCode).toList();
    }

    private static List<String> sqlCodes(boolean allowNaN) {
        SparkSession spark = LocalSpark.get();
        Dataset<Row> input = spark.createDataFrame(rows(), SCHEMA);
        List<String> codes = new ArrayList<>();
        for (Row r : RowChecks.checked(input, List.of("id"), BINDINGS, LENGTHS, allowNaN, false).orderBy("id")
                .select(RowChecks.REASON_CODE).collectAsList()) {
            codes.add(r.getString(0));
        }
        return codes;
    }

    @Test
    void textAndVectorFeaturesHaveNoJavaVerdict() {
        StructType text = new StructType().add("s", DataTypes.StringType);
        assertThat(RowVerdict.of(text, List.of(InputBinding.scalars("a", List.of("s"))), new int[] {1}, false))
                .isEmpty();
    }
}
