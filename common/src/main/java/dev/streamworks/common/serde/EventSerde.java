package dev.streamworks.common.serde;

import dev.streamworks.common.event.Event;
import dev.streamworks.common.event.InvalidEventException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.exc.MismatchedInputException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The serde of an input topic. Deserializing validates everything docs/README.md calls bad input
 * (size, JSON, required fields, types, timestamps, negative amounts, event time too far ahead of
 * the wall clock) and throws {@link InvalidEventException} with a message naming the problem, so
 * Kafka Streams' deserialization handler sends the record to the dead-letter topic. Serializing
 * writes the original bytes back.
 */
public final class EventSerde<T extends Event> implements Serde<Parsed<T>> {

    private final ObjectReader reader;
    private final int maxRecordBytes;
    private final Duration maxFutureSkew;
    private final Clock clock;

    public EventSerde(Class<T> type, int maxRecordBytes, Duration maxFutureSkew, Clock clock) {
        this.reader = Json.mapper().readerFor(type); // resolved once, not on every record
        this.maxRecordBytes = maxRecordBytes;
        this.maxFutureSkew = maxFutureSkew;
        this.clock = clock;
    }

    /** Parses and validates one value; the deserializer's work, callable without Kafka. */
    public T parse(byte[] data) {
        if (data == null) {
            throw new InvalidEventException("record has no value (null); expected a JSON object");
        }
        if (data.length > maxRecordBytes) {
            throw new InvalidEventException("record of " + data.length + " bytes is larger than the limit of "
                    + maxRecordBytes + " bytes (streamworks.max-record-bytes)");
        }
        if (blank(data)) {
            throw new InvalidEventException("record value is empty (" + data.length + " bytes); expected a JSON object");
        }
        T event = read(data);
        if (event == null) {
            throw new InvalidEventException("value is JSON null; expected a JSON object");
        }
        Instant limit = clock.instant().plus(maxFutureSkew);
        if (event.eventTime().isAfter(limit)) {
            throw new InvalidEventException("event time " + event.eventTime() + " is more than " + maxFutureSkew
                    + " ahead of the wall clock (streamworks.max-future-skew)");
        }
        if (event.eventTime().isBefore(Instant.EPOCH)) {
            // docs/semantics.md: an event before 1970 is bad input (a zero or sign error upstream)
            throw new InvalidEventException("event time " + event.eventTime() + " is before 1970 (1970-01-01T00:00:00Z)");
        }
        return event;
    }

    private T read(byte[] data) {
        try {
            return reader.readValue(data);
        } catch (JacksonException e) {
            throw explain(e);
        }
    }

    private static boolean blank(byte[] data) {
        for (byte b : data) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate (?:Object )?(?:property|field) \"([^\"]*)\"");

    private static InvalidEventException explain(JacksonException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidEventException invalid) {
                return invalid;
            }
        }
        String field = fieldOf(e);
        String message = String.valueOf(e.getOriginalMessage());
        Matcher duplicate = DUPLICATE.matcher(message);
        if (duplicate.find()) {
            return new InvalidEventException("duplicate field '" + duplicate.group(1)
                    + "': a JSON object must name each field once", e);
        }
        if (e instanceof StreamConstraintsException) {
            return new InvalidEventException("value is beyond the JSON limits (nested too deeply, or a number or "
                    + "name too long): " + message, e);
        }
        if (e instanceof InputCoercionException) {
            return new InvalidEventException((field == null ? "a number" : "field '" + field + "'")
                    + " is out of range: " + message, e);
        }
        if (e instanceof MismatchedInputException mismatch && field != null && isInteger(mismatch.getTargetType())) {
            return new InvalidEventException("field '" + field + "' must be an integer (a JSON number without a "
                    + "fraction or exponent): " + message, e);
        }
        if (e instanceof MismatchedInputException) {
            return field == null
                    ? new InvalidEventException("value must be a JSON object: " + e.getOriginalMessage(), e)
                    : new InvalidEventException("field '" + field + "' has the wrong type: " + e.getOriginalMessage(), e);
        }
        if (e instanceof StreamReadException) {
            return new InvalidEventException("value is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return new InvalidEventException((field == null ? "value" : "field '" + field + "'")
                + " could not be read: " + e.getOriginalMessage(), e);
    }

    private static boolean isInteger(Class<?> type) {
        return type == Integer.class || type == int.class || type == Long.class || type == long.class;
    }

    private static String fieldOf(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? null : path.toString();
    }

    @Override
    public Serializer<Parsed<T>> serializer() {
        return (topic, parsed) -> parsed == null ? null : parsed.bytes();
    }

    @Override
    public Deserializer<Parsed<T>> deserializer() {
        return (topic, data) -> new Parsed<>(parse(data), data);
    }
}
