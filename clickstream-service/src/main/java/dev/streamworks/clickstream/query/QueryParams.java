package dev.streamworks.clickstream.query;

import dev.streamworks.clickstream.ClickstreamProperties;
import dev.streamworks.clickstream.ClickstreamProperties.Output;
import dev.streamworks.common.query.QueryException;
import dev.streamworks.common.serde.Json;

import java.time.Instant;

/** Checks shared by the query controllers: a bad parameter is a 400, an output not computed here a 404. */
final class QueryParams {

    static final Instant BEGINNING = Instant.EPOCH;
    static final Instant END = Instant.ofEpochMilli(Long.MAX_VALUE);

    private QueryParams() {
    }

    /** Fails with 404 when this deployment does not compute {@code output}, so its store does not exist. */
    static void requireComputed(ClickstreamProperties props, Output output) {
        if (!props.computes(output)) {
            throw QueryException.notFound("output '" + output.property() + "' is not computed by this deployment "
                    + "(streamworks.clickstream.outputs)");
        }
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
