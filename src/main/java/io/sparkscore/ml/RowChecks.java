package io.sparkscore.ml;

import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.when;

/**
 * Decides, in Spark SQL, whether each input row can be scored, so that bad rows are split off before scoring (and
 * quarantined, skipped or reported) without a single one being silently lost.
 *
 * <p>The checked projection holds the kept columns, the feature columns converted to what the scorer reads
 * (strings parsed as numbers, Spark ML vectors as arrays), and two columns naming the first problem of a bad row:
 * {@link #REASON} (for people: {@code f2 is not a number: 'abc'}) and {@link #REASON_CODE} (for counting:
 * {@code not_a_number}); both are null for good rows.
 */
public final class RowChecks {

    public static final String REASON = "reason";
    public static final String REASON_CODE = "reason_code";
    /**
     * The reason code of a row whose sequence (the array of an input with an open dimension) is empty, not a whole
     * number of steps, or shorter or longer than {@link SequenceLengths} allows.
     */
    public static final String SEQUENCE_LENGTH = "sequence_length";

    private RowChecks() {
    }

    /** A bad row's reason and code travel as one string, {@code code|reason}, so the checks are evaluated once. */
    private static final String DETAIL = "_sparkscore_bad_row";

    /** One way a row can be bad: when {@code condition} holds, the row fails with {@code detail}. */
    private record Check(Column condition, Column detail) {

        Check(Column condition, Column reason, String code) {
            this(condition, concat(lit(code + "|"), reason));
        }
    }

    /**
     * @param bindings     feature bindings in model input order
     * @param arrayLengths expected length of each binding's array column (ignored for scalar bindings)
     * @param parseStrings whether string feature columns hold numbers as text (CSV); elsewhere a string feature
     *                     column is a schema mismatch, reported before scoring
     */
    public static Dataset<Row> checked(Dataset<Row> input, List<String> keep, List<InputBinding> bindings,
                                       int[] arrayLengths, boolean allowNaN, boolean parseStrings) {
        return checked(input, keep, bindings, arrayLengths, allowNaN, parseStrings, Categories.NONE);
    }

    /**
     * The columns of categorical model inputs: {@code strings} pass as they are, bad only when null
     * ({@code null_value}), never parsed as numbers; a column with a {@code closed} vocabulary (a lookup with
     * {@code num_oov_indices=0}, where Keras fails on an unseen value) is bad when a value is outside it
     * ({@code out_of_vocabulary}).
     */
    public record Categories(Set<String> strings, Map<String, ClosedVocabulary> closed) {
        static final Categories NONE = new Categories(Set.of(), Map.of());
    }

    /** The values a column's lookup layer takes, and that layer's name for the reason. */
    public record ClosedVocabulary(String layer, Set<Object> values) {
    }

    /** As above, with the columns of categorical inputs checked as {@code categories} says. */
    public static Dataset<Row> checked(Dataset<Row> input, List<String> keep, List<InputBinding> bindings,
                                       int[] arrayLengths, boolean allowNaN, boolean parseStrings,
                                       Categories categories) {
        return checked(input, keep, bindings, arrayLengths, allowNaN, parseStrings, categories, SequenceLengths.NONE);
    }

    /**
     * As above, with the array columns of open (sequence) inputs checked against {@code sequences} instead of a
     * fixed length: an {@code array<array<number>>} column is flattened, one inner array per step.
     */
    static Dataset<Row> checked(Dataset<Row> input, List<String> keep, List<InputBinding> bindings,
                                int[] arrayLengths, boolean allowNaN, boolean parseStrings, Categories categories,
                                SequenceLengths sequences) {
        StructType schema = input.schema();
        Set<String> selected = new LinkedHashSet<>(keep);
        List<Column> columns = new ArrayList<>();
        keep.forEach(k -> columns.add(col(quote(k))));
        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < bindings.size(); i++) {
            InputBinding b = bindings.get(i);
            for (String name : b.columns()) {
                if (!selected.add(name)) {
                    continue;
                }
                DataType type = typeOf(schema, name);
                if (type instanceof StringType && categories.strings().contains(name)) {
                    columns.add(col(quote(name)));
                    checks.add(new Check(col(quote(name)).isNull(), lit(name + " is null"), "null_value"));
                    vocabularyCheck(name, col(quote(name)), false, categories, checks);
                    continue;
                }
                if (type instanceof StringType && !parseStrings) {
                    columns.add(col(quote(name)));
                    continue;
                }
                if (sequences.isOpen(i) && isNested(type)) {
                    Column raw = col(quote(name));
                    Column value = flatten(raw);
                    columns.add(value.as(name));
                    nestedChecks(name, raw, arrayLengths[i], checks);
                    sequenceChecks(name, value, arrayLengths[i], sequences, checks);
                    elementChecks(name, value, ((ArrayType) type).elementType(), allowNaN, checks);
                    continue;
                }
                Column value = converted(col(quote(name)), type);
                columns.add(value.as(name));
                if (b.arrayColumn() != null && sequences.isOpen(i)) {
                    checks.add(new Check(value.isNull(), lit(name + " is null"), "null_value"));
                    sequenceChecks(name, value, arrayLengths[i], sequences, checks);
                    elementChecks(name, value, type, allowNaN, checks);
                } else if (b.arrayColumn() != null) {
                    arrayChecks(name, value, type, arrayLengths[i], allowNaN, checks);
                } else {
                    scalarChecks(name, col(quote(name)), value, type, allowNaN, checks);
                }
                vocabularyCheck(name, value, b.arrayColumn() != null, categories, checks);
            }
        }
        columns.add(firstFailing(checks).as(DETAIL));
        // a separate projection: Spark keeps the (costly) checks in the one below and splits their result here
        Dataset<Row> detailed = input.select(columns.toArray(Column[]::new));
        List<Column> split = new ArrayList<>();
        for (String name : detailed.columns()) {
            if (!name.equals(DETAIL)) {
                split.add(col(quote(name)));
            }
        }
        Column detail = col(DETAIL);
        split.add(expr("substr(" + DETAIL + ", instr(" + DETAIL + ", '|') + 1)").as(REASON));
        split.add(substring_index(detail, "|", 1).as(REASON_CODE));
        return detailed.select(split.toArray(Column[]::new));
    }

    private static DataType typeOf(StructType schema, String name) {
        try {
            return schema.apply(name).dataType();
        } catch (IllegalArgumentException e) {
            throw JobException.data("feature column '" + name + "' is not in the input; available columns: "
                    + String.join(", ", schema.fieldNames()));
        }
    }

    /** Strings are parsed as doubles (CSV), vectors become arrays; everything else is read as it is. */
    private static Column converted(Column c, DataType type) {
        if (type instanceof StringType) {
            return c.try_cast(DataTypes.DoubleType);
        }
        if (isVector(type)) {
            return functions.vector_to_array(c, "float32");
        }
        return c;
    }

    static boolean isVector(DataType type) {
        return type instanceof UserDefinedType<?> udt && udt.userClass().getName().equals(
                "org.apache.spark.ml.linalg.Vector");
    }

    private static void scalarChecks(String name, Column raw, Column value, DataType type, boolean allowNaN,
                                     List<Check> checks) {
        checks.add(new Check(raw.isNull(), lit(name + " is null"), "null_value"));
        if (type instanceof StringType) {
            checks.add(new Check(value.isNull(), concat(lit(name + " is not a number: '"), raw, lit("'")),
                    "not_a_number"));
        }
        if (type instanceof StringType || type == DataTypes.FloatType || type == DataTypes.DoubleType) {
            if (!allowNaN) {
                checks.add(new Check(isnan(value), lit(name + " is NaN"), "nan_value"));
            }
            checks.add(new Check(value.equalTo(lit(Double.POSITIVE_INFINITY))
                    .or(value.equalTo(lit(Double.NEGATIVE_INFINITY))), lit(name + " is infinite"),
                    "infinite_value"));
        }
    }

    private static void arrayChecks(String name, Column value, DataType type, int length, boolean allowNaN,
                                    List<Check> checks) {
        checks.add(new Check(value.isNull(), lit(name + " is null"), "null_value"));
        checks.add(new Check(size(value).notEqual(lit(length)), concat(lit(name + " has "),
                size(value).cast("string"), lit(" values but the model input expects " + length)), "wrong_length"));
        elementChecks(name, value, type, allowNaN, checks);
    }

    static boolean isNested(DataType type) {
        return type instanceof ArrayType outer && outer.elementType() instanceof ArrayType;
    }

    /** An array of steps: null, or a null or wrong-sized step, makes the row bad before it is flattened. */
    private static void nestedChecks(String name, Column raw, int step, List<Check> checks) {
        checks.add(new Check(raw.isNull(), lit(name + " is null"), "null_value"));
        checks.add(new Check(exists(raw, Column::isNull), lit(name + " has a null step"), "null_value"));
        checks.add(new Check(exists(raw, x -> size(x).notEqual(lit(step))), lit(name + " has a step that does not"
                + " hold " + step + " values"), SEQUENCE_LENGTH));
    }

    /** The checks of {@link SequenceLengths#problem}, in its order and with its messages. */
    private static void sequenceChecks(String name, Column value, int step, SequenceLengths sequences,
                                       List<Check> checks) {
        Column n = size(value);
        Column steps = n.divide(lit(step)).cast(DataTypes.IntegerType);
        checks.add(new Check(n.equalTo(lit(0)), lit(name + " is empty; the model reads sequences of "
                + sequences.minSteps() + " to " + sequences.maxSteps() + " steps"), SEQUENCE_LENGTH));
        checks.add(new Check(n.mod(lit(step)).notEqual(lit(0)), concat(lit(name + " has "), n.cast("string"),
                lit(" values, not a whole number of steps of " + step)), SEQUENCE_LENGTH));
        checks.add(new Check(steps.lt(lit(sequences.minSteps())), concat(lit(name + " has "), steps.cast("string"),
                lit(" steps but the model needs at least " + sequences.minSteps())), SEQUENCE_LENGTH));
        checks.add(new Check(steps.gt(lit(sequences.maxSteps())), concat(lit(name + " has "), steps.cast("string"),
                lit(" steps, more than " + SequenceLengths.MAX_LENGTH_KEY + " = " + sequences.maxSteps())),
                SEQUENCE_LENGTH));
    }

    private static void elementChecks(String name, Column value, DataType type, boolean allowNaN,
                                      List<Check> checks) {
        boolean floating = isVector(type) || (type instanceof ArrayType at
                && (at.elementType() == DataTypes.FloatType || at.elementType() == DataTypes.DoubleType));
        if (!floating) {
            checks.add(new Check(exists(value, Column::isNull), lit(name + " has a null element"), "null_value"));
            return;
        }
        // good rows pay one pass over the array; only a bad one is searched again for what is wrong
        Column nullDetail = lit("null_value|" + name + " has a null element");
        Column nanDetail = lit("nan_value|" + name + " has a NaN element");
        Column infDetail = lit("infinite_value|" + name + " has an infinite element");
        Column gate = exists(value, x -> bad(x, allowNaN));
        Column which = when(exists(value, Column::isNull), nullDetail);
        if (!allowNaN) {
            which = which.when(exists(value, x -> isnan(x)), nanDetail);
        }
        checks.add(new Check(gate, which.otherwise(infDetail)));
    }

    /** A column with a closed vocabulary: any value outside it makes the row bad (after the null checks). */
    private static void vocabularyCheck(String name, Column value, boolean array, Categories categories,
                                        List<Check> checks) {
        ClosedVocabulary closed = categories.closed().get(name);
        if (closed == null) {
            return;
        }
        Object[] values = closed.values().toArray();
        String outside = "not in the vocabulary of " + closed.layer() + " (num_oov_indices=0)";
        if (array) {
            checks.add(new Check(exists(value, x -> not(x.isin(values))), lit(name + " has a value " + outside),
                    "out_of_vocabulary"));
        } else {
            checks.add(new Check(not(value.isin(values)), concat(lit(name + " '"), value.cast(DataTypes.StringType),
                    lit("' is " + outside)), "out_of_vocabulary"));
        }
    }

    private static Column bad(Column x, boolean allowNaN) {
        Column infinite = x.equalTo(lit(Double.POSITIVE_INFINITY)).or(x.equalTo(lit(Double.NEGATIVE_INFINITY)));
        Column bad = x.isNull().or(infinite);
        return allowNaN ? bad : bad.or(isnan(x));
    }

    /** CASE WHEN check1 THEN detail1 WHEN check2 ... END: the first failing check wins; null when none fails. */
    private static Column firstFailing(List<Check> checks) {
        if (checks.isEmpty()) {
            return lit(null).cast(DataTypes.StringType);
        }
        Column chain = null;
        for (Check c : checks) {
            chain = chain == null ? when(c.condition(), c.detail()) : chain.when(c.condition(), c.detail());
        }
        return chain;
    }

    /** Column names with dots or spaces must be back-quoted for {@code col()}. */
    public static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
