package io.sparkscore.ml;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.encoders.ExpressionEncoder;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/** External rows turned into the internal rows Spark's operators pass on, for tests of code that reads those. */
final class InternalRows {

    private InternalRows() {
    }

    static InternalRow of(StructType schema, Row row) {
        return of(schema, List.of(row)).get(0);
    }

    /** Each row serialized by {@code schema}'s encoder and copied, since the serializer rewrites one output row. */
    static List<InternalRow> of(StructType schema, List<Row> rows) {
        ExpressionEncoder.Serializer<Row> serializer = ExpressionEncoder.apply(schema).createSerializer();
        return rows.stream().map(row -> serializer.apply(row).copy()).toList();
    }
}
