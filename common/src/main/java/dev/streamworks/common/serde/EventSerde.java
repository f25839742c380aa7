package dev.streamworks.common.serde;

import dev.streamworks.common.event.Event;
import dev.streamworks.common.event.InvalidEventException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.exc.MismatchedInputException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The serde of an input topic. Deserializing validates everything CONTRACTS.md calls bad input
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
        T event = read(data);
        if (event == null) {
            throw new InvalidEventException("value is JSON null; expected a JSON object");
        }
        Instant limit = clock.instant().plus(maxFutureSkew);
        if (event.eventTime().isAfter(limit)) {
            throw new InvalidEventException("event time " + event.eventTime() + " is more than " + maxFutureSkew
                    + " ahead of the wall clock (streamworks.max-future-skew)");
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

    private static InvalidEventException explain(JacksonException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidEventException invalid) {
                return invalid;
            }
        }
        String field = fieldOf(e);
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
