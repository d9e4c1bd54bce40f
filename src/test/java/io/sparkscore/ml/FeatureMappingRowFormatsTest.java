package io.sparkscore.ml;

import io.sparkscore.model.SampleModels;
import io.sparkscore.runtime.ModelSignature;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The feature mapping reads external {@link Row}s and Spark's internal rows to the same float32 bits, and refuses the
 * same bad values with the same messages, for every numeric column type.
 */
class FeatureMappingRowFormatsTest {

    private static final ModelSignature TINY = ModelSignature.of(SampleModels.tiny(1));

    private static final StructType SCALARS = new StructType()
            .add("id", DataTypes.StringType).add("day", DataTypes.DateType)
            .add("a", DataTypes.DoubleType).add("b", DataTypes.createDecimalType(20, 7))
            .add("c", DataTypes.LongType).add("d", DataTypes.ShortType)
            .add("e", DataTypes.IntegerType).add("f", DataTypes.ByteType).add("g", DataTypes.FloatType);

    private static final StructType ARRAYS = new StructType().add("id", DataTypes.StringType)
            .add("x", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("y", DataTypes.createArrayType(DataTypes.LongType))
            .add("z", DataTypes.createArrayType(DataTypes.createDecimalType(9, 3)));

    private static final RowKey KEY = new RowKey(new int[] {0, 1}, new StructType()
            .add("id", DataTypes.StringType).add("day", DataTypes.DateType));

    private static FeatureMapping scalars(String... columns) {
        return FeatureMapping.resolve(SCALARS, List.of(InputBinding.scalars(InputBinding.SINGLE_INPUT,
                List.of(columns))), TINY, false);
    }

    private static FeatureMapping array(String column) {
        return FeatureMapping.resolve(ARRAYS, List.of(InputBinding.array(InputBinding.SINGLE_INPUT, column)), TINY,
                false);
    }

    /** Array values as a {@code Row} holds them (a Scala sequence). */
    private static scala.collection.immutable.Seq<Object> seq(Object... values) {
        return scala.jdk.javaapi.CollectionConverters.asScala(java.util.Arrays.asList(values)).toList();
    }

    private static Row scalarRow(Object a, Object b, Object c, Object d, Object e, Object f, Object g) {
        return RowFactory.create("r1", Date.valueOf("2026-12-03"), a, b, c, d, e, f, g);
    }

    /** The floats each reader wrote, as raw bits: slot 1 of a 2-row batch, so the offset is exercised too. */
    private static int[][] readBoth(FeatureMapping mapping, StructType schema, Row row) {
        float[][] external = {new float[8]};
        float[][] internal = {new float[8]};
        mapping.read(new FeatureValues.OfRow().of(row), external, 1, KEY);
        mapping.read(new FeatureValues.OfInternalRow().of(InternalRows.of(schema, row)), internal, 1, KEY);
        int[][] bits = new int[2][4];
        for (int k = 0; k < 4; k++) {
            bits[0][k] = Float.floatToRawIntBits(external[0][4 + k]);
            bits[1][k] = Float.floatToRawIntBits(internal[0][4 + k]);
        }
        return bits;
    }

    @Test
    void everyNumericColumnTypeGivesTheSameBitsFromBothRowFormats() {
        Row row = scalarRow(0.1 + 1e-12, new BigDecimal("1234567.1234567"), 123_456_789_123L, (short) -7, 16_777_217,
                (byte) 3, -0.0f);
        int[][] first = readBoth(scalars("a", "b", "c", "d"), SCALARS, row);
        int[][] second = readBoth(scalars("e", "f", "g", "a"), SCALARS, row);

        assertThat(first[1]).isEqualTo(first[0]);
        assertThat(second[1]).isEqualTo(second[0]);
        // the values themselves: float32 rounding of each, as Number.floatValue() rounds
        assertThat(Float.intBitsToFloat(first[1][1])).isEqualTo(1234567.1f);
        assertThat(Float.intBitsToFloat(first[1][2])).isEqualTo(123_456_789_123f);
        assertThat(Float.intBitsToFloat(second[1][0])).isEqualTo(16_777_216f);
        assertThat(second[1][2]).isEqualTo(Float.floatToRawIntBits(-0.0f));
    }

    @Test
    void arrayColumnsGiveTheSameBitsFromBothRowFormats() {
        Row row = RowFactory.create("r2", seq(1e-40, -2.5, 3.0000001, 1e38), seq(1L, -2L, 1L << 40, 7L),
                seq(new BigDecimal("1.125"), new BigDecimal("-0.001"), new BigDecimal("999999.999"),
                        BigDecimal.ZERO));
        for (String column : List.of("x", "y", "z")) {
            int[][] bits = readBoth(array(column), ARRAYS, row);
            assertThat(bits[1]).as(column).isEqualTo(bits[0]);
        }
    }

    @Test
    void badValuesAreRefusedWithTheSameMessagesOnBothRowFormats() {
        FeatureMapping mapping = scalars("a", "b", "c", "g");
        assertSameRefusal(mapping, SCALARS, scalarRow(null, BigDecimal.ONE, 1L, null, null, null, 1f),
                "row [id=r1, day=2026-12-03]: column 'a' is null");
        assertSameRefusal(mapping, SCALARS, scalarRow(1.0, BigDecimal.ONE, 1L, null, null, null, Float.NaN),
                "row [id=r1, day=2026-12-03]: column 'g' is NaN");
        assertSameRefusal(mapping, SCALARS, scalarRow(1e300, BigDecimal.ONE, 1L, null, null, null, 1f),
                "row [id=r1, day=2026-12-03]: column 'a' is Infinity");

        FeatureMapping x = array("x");
        assertSameRefusal(x, ARRAYS, RowFactory.create("r3", seq(1.0, 2.0), null, null),
                "row [id=r3]: column 'x' has 2 values but the model input expects 4");
        assertSameRefusal(x, ARRAYS, RowFactory.create("r3", seq(1.0, null, 3.0, 4.0), null, null), "row [id=r3]: column 'x' has a null at position 1");
        assertSameRefusal(x, ARRAYS, RowFactory.create("r3", seq(1.0, 2.0, Double.NEGATIVE_INFINITY, 4.0), null, null), "row [id=r3]: column 'x[2]' is -Infinity");
        assertSameRefusal(x, ARRAYS, RowFactory.create("r3", null, null, null),
                "row [id=r3]: column 'x' is null");
    }

    private static void assertSameRefusal(FeatureMapping mapping, StructType schema, Row row, String message) {
        RowKey key = schema == SCALARS ? KEY : new RowKey(new int[] {0}, new StructType()
                .add("id", DataTypes.StringType));
        float[][] buffers = {new float[4]};
        assertThatThrownBy(() -> mapping.read(new FeatureValues.OfRow().of(row), buffers, 0, key)).isInstanceOf(BadRowException.class)
                .hasMessage(message);
        assertThatThrownBy(() -> mapping.read(new FeatureValues.OfInternalRow().of(InternalRows.of(schema, row)), buffers,
                0, key))
                .isInstanceOf(BadRowException.class).hasMessage(message);
    }
}
