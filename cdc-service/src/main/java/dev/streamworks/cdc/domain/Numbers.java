package dev.streamworks.cdc.domain;

import dev.streamworks.common.event.InvalidEventException;

import java.math.BigInteger;

/** Reading the integers of a Debezium {@code source} block, which arrive as JSON numbers or strings. */
final class Numbers {

    private Numbers() {
    }

    /** {@code value} as an integer; null stays null. */
    static BigInteger bigInteger(Object value, String field) {
        if (value == null) {
            return null;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            return BigInteger.valueOf(((Number) value).longValue());
        }
        if (value instanceof BigInteger big) {
            return big;
        }
        if (value instanceof String text && !text.isBlank()) {
            try {
                return new BigInteger(text.trim());
            } catch (NumberFormatException e) {
                throw new InvalidEventException("field '" + field + "' must be a decimal integer, was '" + text + "'");
            }
        }
        throw new InvalidEventException("field '" + field + "' must be an integer, was " + value);
    }

    /** Nulls first, then by value. */
    static int compareNullsFirst(BigInteger a, BigInteger b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return a.compareTo(b);
    }
}
