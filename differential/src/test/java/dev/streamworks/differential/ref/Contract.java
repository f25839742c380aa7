package dev.streamworks.differential.ref;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * Reads input records as CONTRACTS.md section 1 says, written from the contract alone: a value is
 * bad input when it is not a JSON object, misses a required field or has it null, has a field of
 * the wrong type, an unparseable timestamp, a negative count/price/amount, is larger than
 * {@code max-record-bytes}, or has an event time before 1970 or more than {@code max-future-skew}
 * ahead of the wall clock.
 */
public final class Contract {

    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    /** What the reference needs to know about the service's settings and the run. */
    public record Settings(Instant wallClock, Duration maxFutureSkew, long maxRecordBytes) {

        /** The settings of the differential runs: 64 KiB records at most, 1 h skew. */
        public static Settings at(Instant wallClock) {
            return new Settings(wallClock, Duration.ofHours(1), 64 * 1024);
        }
    }

    /** Thrown for bad input; the message says why (for the unit tests and diffs). */
    static final class Bad extends Exception {
        Bad(String message) {
            super(message, null, false, false);
        }
    }

    private final Settings settings;

    Contract(Settings settings) {
        this.settings = settings;
    }

    ObjectNode object(String value) throws Bad {
        if (value == null) {
            throw new Bad("null value");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > settings.maxRecordBytes()) {
            throw new Bad("larger than max-record-bytes");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(value);
        } catch (JacksonException e) {
            throw new Bad("not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new Bad("not a JSON object");
        }
        return (ObjectNode) node;
    }

    static String string(ObjectNode node, String field) throws Bad {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new Bad("missing " + field);
        }
        if (!value.isString()) {
            throw new Bad("wrong type " + field);
        }
        return value.stringValue();
    }

    static String optionalString(ObjectNode node, String field) throws Bad {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new Bad("wrong type " + field);
        }
        return value.stringValue();
    }

    static String oneOf(ObjectNode node, String field, Set<String> allowed) throws Bad {
        String value = string(node, field);
        if (!allowed.contains(value)) {
            throw new Bad("unknown " + field + " " + value);
        }
        return value;
    }

    /** A number, required or not ({@code null} when absent), at least 0 when {@code nonNegative}. */
    static java.math.BigDecimal number(ObjectNode node, String field, boolean required, boolean nonNegative) throws Bad {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new Bad("missing " + field);
            }
            return null;
        }
        if (!value.isNumber()) {
            throw new Bad("wrong type " + field);
        }
        java.math.BigDecimal number = value.decimalValue();
        if (nonNegative && number.signum() < 0) {
            throw new Bad("negative " + field);
        }
        return number;
    }

    /** An optional integer at least 0. */
    static Long count(ObjectNode node, String field) throws Bad {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new Bad("not an integer " + field);
        }
        if (value.longValue() < 0) {
            throw new Bad("negative " + field);
        }
        return value.longValue();
    }

    /**
     * An event time: ISO-8601 with Z or an offset, ISO-8601 without a zone (UTC), or epoch
     * milliseconds as a JSON integer; before 1970 or too far ahead of the wall clock is bad.
     */
    long time(ObjectNode node, String field) throws Bad {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new Bad("missing " + field);
        }
        long millis;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            millis = value.longValue();
        } else if (value.isString()) {
            millis = parse(value.stringValue());
        } else {
            throw new Bad("wrong type " + field);
        }
        if (millis < 0) {
            throw new Bad("before 1970 " + field);
        }
        if (millis > settings.wallClock().plus(settings.maxFutureSkew()).toEpochMilli()) {
            throw new Bad("far future " + field);
        }
        return millis;
    }

    private static long parse(String text) throws Bad {
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException withZone) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (DateTimeParseException withoutZone) {
                throw new Bad("unparseable time " + text);
            }
        }
    }

    /** An instant as outputs print it ({@code Instant#toString}). */
    static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
