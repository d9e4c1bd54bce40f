package io.sparkscore.ml;

import io.sparkscore.model.SampleModels;
import io.sparkscore.runtime.ModelSignature;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.encoders.ExpressionEncoder;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch of Spark's internal rows keeps what it needs of each row although Spark reuses the row object (and its
 * string and array bytes), maps the features exactly as a batch of external Rows does, and emits the same values.
 */
class InternalRowBatchTest {

    private static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType)
            .add("name", DataTypes.StringType).add("tags", DataTypes.createArrayType(DataTypes.IntegerType))
            .add("f1", DataTypes.FloatType).add("f2", DataTypes.FloatType)
            .add("f3", DataTypes.FloatType).add("f4", DataTypes.FloatType);
    private static final int[] KEEP = {0, 1, 2};

    private static RowBatch.Factory factory(RowFormat format) {
        ModelSignature tiny = ModelSignature.of(SampleModels.tiny(1));
        StructType kept = new StructType(new org.apache.spark.sql.types.StructField[] {SCHEMA.fields()[0],
                SCHEMA.fields()[1], SCHEMA.fields()[2]});
        return new RowBatch.Factory(FeatureMapping.resolve(SCHEMA, List.of(InputBinding.scalars(
                InputBinding.SINGLE_INPUT, List.of("f1", "f2", "f3", "f4"))), tiny, false), new RowKey(KEEP, kept),
                KEEP, kept, OutputLayout.of(tiny, List.of(), "prediction", "probabilities"), new int[] {4}, format);
    }

    private static Row row(int i) {
        // strings and arrays of different lengths, so that a reused buffer would show through
        return new GenericRowWithSchema(new Object[] {(long) i, "name-" + "x".repeat(i * 3), scala.jdk.javaapi
                .CollectionConverters.asScala(java.util.Collections.nCopies(i + 1, i)).toList(), i + 0.25f, -i * 1.5f,
                1f / (i + 1), (float) i * i}, SCHEMA);
    }

    @Test
    void keepsValuesOfReusedRowsAndEmitsWhatTheRowBatchEmits() {
        InternalRowBatch internal = factory(RowFormat.INTERNAL).createInternal(4);
        RowBatch external = factory(RowFormat.EXTERNAL).create(4);
        // the serializer returns the same row object, rewritten, for every row: as Spark's operators do
        ExpressionEncoder.Serializer<Row> reusing = ExpressionEncoder.apply(SCHEMA).createSerializer();
        for (int i = 0; i < 3; i++) {
            internal.add(reusing.apply(row(i)));
            external.add(row(i));
        }
        assertThat(internal.size()).isEqualTo(3);
        assertThat(internal.inputs()[0]).isEqualTo(external.inputs()[0]);
        for (int r = 0; r < 3; r++) {
            internal.outputs()[0][r] = r + 0.5f;
            external.outputs()[0][r] = r + 0.5f;
        }
        for (int r = 0; r < 3; r++) {
            InternalRow out = internal.output(r);
            Row expected = external.output(r);
            assertThat(out.getLong(0)).isEqualTo(expected.getLong(0)).isEqualTo(r);
            assertThat(out.getUTF8String(1).toString()).isEqualTo(expected.getString(1));
            assertThat(out.getArray(2).toIntArray()).containsExactly(expected.<Integer>getList(2).stream()
                    .mapToInt(Integer::intValue).toArray());
            assertThat(out.getFloat(3)).isEqualTo(expected.getFloat(3)).isEqualTo(r + 0.5f);
        }
    }

    @Test
    void aNullKeptValueStaysNullAndAClearedBatchIsRefilledFromTheStart() {
        InternalRowBatch batch = factory(RowFormat.INTERNAL).createInternal(2);
        ExpressionEncoder.Serializer<Row> reusing = ExpressionEncoder.apply(SCHEMA).createSerializer();
        batch.add(reusing.apply(new GenericRowWithSchema(new Object[] {7L, null, null, 1f, 2f, 3f, 4f}, SCHEMA)));
        assertThat(batch.output(0).isNullAt(1)).isTrue();
        assertThat(batch.output(0).isNullAt(2)).isTrue();
        batch.clear();
        batch.add(reusing.apply(row(2)));
        assertThat(batch.size()).isEqualTo(1);
        assertThat(batch.output(0).isNullAt(1)).isFalse();
        assertThat(batch.output(0).getUTF8String(1).toString()).isEqualTo("name-xxxxxx");
        assertThat(batch.inputs()[0]).startsWith(2.25f, -3f, 1f / 3, 4f);
    }
}
