package io.sparkscore.model;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Integers read from model configs. A JSON number is an int only when it is integral and inside Java's int range:
 * {@code Number.intValue()} would quietly wrap {@code 4294967298} to {@code 2}, and a model that reads as something
 * other than what its file says must be refused, not scored.
 */
public final class JsonInts {

    private JsonInts() {
    }

    /** The value as an int, or null when it is not a number, not integral, or outside the int range. */
    public static Integer exact(Object v) {
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Short || v instanceof Byte) {
            return ((Number) v).intValue();
        }
        if (v instanceof Long l) {
            return l == (int) (long) l ? (int) (long) l : null;
        }
        if (v instanceof BigInteger b) {
            return b.bitLength() < Integer.SIZE ? b.intValue() : null;
        }
        if (v instanceof BigDecimal d) {
            try {
                return d.intValueExact();
            } catch (ArithmeticException e) {
                return null;
            }
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE ? (int) d : null;
        }
        return null;
    }
}
