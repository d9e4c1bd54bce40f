package io.sparkscore.ml;

import io.sparkscore.model.InputSpec;
import io.sparkscore.model.LayerSpec;
import io.sparkscore.model.ModelSpec;
import io.sparkscore.model.NodeSpec;
import io.sparkscore.model.categorical.InputEncodings;
import io.sparkscore.runtime.KerasPreprocessing;
import io.sparkscore.runtime.ModelSignature;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * String, integer and boolean columns (scalars and arrays) read into the same indices from external {@code Row}s
 * and Spark's internal rows, and a column of the wrong kind is refused naming the column, the input and its layer.
 */
class CategoricalFeatureMappingTest {

    private static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType)
            .add("s", DataTypes.StringType).add("i", DataTypes.ShortType).add("b", DataTypes.BooleanType)
            .add("t", DataTypes.createArrayType(DataTypes.StringType));
    private static final RowKey KEY = new RowKey(new int[] {0}, new StructType().add("id", DataTypes.StringType));

    private static ModelSpec model() {
        List<LayerSpec> layers = List.of(
                KerasPreprocessing.stringLookup("string_lookup", List.of("x", "y"), 1, null, "int"),
                KerasPreprocessing.integerLookup("integer_lookup", List.of(5L, -5L), 1, 0L, "int"),
                KerasPreprocessing.categoryEncoding("category_encoding", 2, "one_hot"),
                KerasPreprocessing.stringLookup("string_lookup_1", List.of("x", "y"), 1, null, "count"));
        List<NodeSpec> nodes = new ArrayList<>();
        String[] inputs = {"s", "i", "b", "t"};
        for (int k = 0; k < 4; k++) {
            nodes.add(new NodeSpec(layers.get(k).name(), layers.get(k).name(), List.of(inputs[k])));
        }
        return new ModelSpec("m", "programmatic", "3.6.0", List.of(new InputSpec("s", new int[] {1}, "string"),
                new InputSpec("i", new int[] {1}, "int64"), new InputSpec("b", new int[] {1}, "bool"),
                new InputSpec("t", new int[] {2}, "string")), layers, nodes,
                nodes.stream().map(NodeSpec::id).toList());
    }

    private static FeatureMapping mapping(StructType schema, List<InputBinding> bindings) {
        ModelSpec spec = model();
        return FeatureMapping.resolve(schema, bindings, ModelSignature.of(spec), InputEncodings.of(spec), false);
    }

    private static final List<InputBinding> BINDINGS = List.of(InputBinding.scalars("s", List.of("s")),
            InputBinding.scalars("i", List.of("i")), InputBinding.scalars("b", List.of("b")),
            InputBinding.array("t", "t"));

    private static Row row(String s, Short i, Boolean b, List<String> t) {
        return RowFactory.create("r", s, i, b, t == null ? null
                : scala.jdk.javaapi.CollectionConverters.asScala(t).toList());
    }

    @Test
    void bothRowFormatsReadTheSameIndices() {
        FeatureMapping m = mapping(SCHEMA, BINDINGS);
        Row row = row("y", (short) -5, true, List.of("q", "x"));
        float[][] external = {new float[1], new float[1], new float[1], new float[2]};
        float[][] internal = {new float[1], new float[1], new float[1], new float[2]};
        m.read(new FeatureValues.OfRow().of(row), external, 0, KEY);
        m.read(new FeatureValues.OfInternalRow().of(InternalRows.of(SCHEMA, row)), internal, 0, KEY);
        // y -> 2; -5 -> 3 (mask 0, OOV 1, tokens from 2); true -> 1; [q, x] -> [OOV 0, x 1]
        float[][] expected = {{2}, {3}, {1}, {0, 1}};
        assertThat(external).isEqualTo(expected);
        assertThat(internal).isEqualTo(expected);
    }

    @Test
    void nullCategoriesAndNullElementsAreBadRows() {
        FeatureMapping m = mapping(SCHEMA, BINDINGS);
        float[][] buffers = {new float[1], new float[1], new float[1], new float[2]};
        assertThatThrownBy(() -> m.read(new FeatureValues.OfRow().of(row(null, (short) 1, true, List.of("x", "y"))),
                buffers, 0, KEY)).isInstanceOf(BadRowException.class).hasMessage("row [id=r]: column 's' is null");
        assertThatThrownBy(() -> m.read(new FeatureValues.OfRow().of(row("x", (short) 1, true,
                java.util.Arrays.asList("x", null))), buffers, 0, KEY)).isInstanceOf(BadRowException.class)
                .hasMessage("row [id=r]: column 't' has a null at position 1");
    }

    @Test
    void aColumnOfTheWrongKindIsRefusedNamingTheInputAndItsLayer() {
        List<InputBinding> swapped = List.of(InputBinding.scalars("s", List.of("s")),
                InputBinding.scalars("i", List.of("s")), InputBinding.scalars("b", List.of("i")),
                InputBinding.array("t", "t"));
        assertThatThrownBy(() -> mapping(SCHEMA, swapped)).isInstanceOf(DataException.class)
                .hasMessage("feature column 's' has type string but model input 'i' (dtype int64, read by"
                        + " integer_lookup) takes integer (tinyint, smallint, int or bigint) values; bind a column of"
                        + " that type or cast this one in the source data");
        List<InputBinding> boolFromShort = List.of(InputBinding.scalars("s", List.of("s")),
                InputBinding.scalars("i", List.of("i")), InputBinding.scalars("b", List.of("i")),
                InputBinding.array("t", "t"));
        assertThatThrownBy(() -> mapping(SCHEMA, boolFromShort)).hasMessageStartingWith("feature column 'i' has type"
                + " smallint but model input 'b' (dtype bool) takes boolean values");
    }
}
