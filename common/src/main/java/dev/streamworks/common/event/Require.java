package dev.streamworks.common.event;

/** Argument checks for the event records' constructors; each failure names the JSON field. */
public final class Require {

    private Require() {
    }

    public static <T> T present(T value, String field) {
        if (value == null) {
            throw new InvalidEventException("missing required field '" + field + "'");
        }
        return value;
    }

    public static String text(String value, String field) {
        present(value, field);
        if (value.isBlank()) {
            throw new InvalidEventException("field '" + field + "' must not be blank");
        }
        return value;
    }

    /** A finite number {@code >= 0} (JSON's 1e309 reads as infinity, which is no count, price or amount). */
    public static Double nonNegative(Double value, String field) {
        finite(value, field);
        if (value != null && !(value >= 0)) {
            throw new InvalidEventException("field '" + field + "' must be >= 0, was " + value);
        }
        return value;
    }

    public static Integer nonNegative(Integer value, String field) {
        if (value != null && value < 0) {
            throw new InvalidEventException("field '" + field + "' must be >= 0, was " + value);
        }
        return value;
    }

    public static Double finite(Double value, String field) {
        if (value != null && !Double.isFinite(value)) {
            throw new InvalidEventException("field '" + field + "' must be a finite number, was " + value);
        }
        return value;
    }
}
