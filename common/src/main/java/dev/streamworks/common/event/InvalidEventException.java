package dev.streamworks.common.event;

/**
 * An input record that breaks its schema: not JSON, a missing field, a wrong type, an
 * unparseable timestamp, a negative amount, too large, or an event time too far ahead.
 * Thrown by deserializers, so Kafka Streams' dead-letter handling routes the record.
 */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String message) {
        super(message);
    }

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
