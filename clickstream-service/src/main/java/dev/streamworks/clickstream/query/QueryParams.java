package dev.streamworks.clickstream.query;

import dev.streamworks.common.query.QueryException;
import dev.streamworks.common.serde.Json;

import java.time.Instant;

/** Parameter parsing shared by the query controllers; a bad value is a 400. */
final class QueryParams {

    static final Instant BEGINNING = Instant.EPOCH;
    static final Instant END = Instant.ofEpochMilli(Long.MAX_VALUE);

    private QueryParams() {
    }

    static Instant time(String name, String value, Instant absent) {
        if (value == null) {
            return absent;
        }
        try {
            return value.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(value))
                    : Json.parseTimestamp(value);
        } catch (RuntimeException e) {
            throw QueryException.badRequest("'" + name + "' is not a timestamp (ISO-8601 or epoch milliseconds): "
                    + value);
        }
    }
}
