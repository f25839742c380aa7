package dev.streamworks.common.streams;

import java.util.Map;

/**
 * The size a dead-letter record may take: the smaller of the producer's {@code max.request.size}
 * and the dead-letter topic's {@code max.message.bytes}, known once the service has read them at
 * start. Handed to Kafka Streams' exception handlers through the Streams configuration under
 * {@link #CONFIG}, since Streams builds the handlers itself.
 */
public final class DeadLetterLimit {

    public static final String CONFIG = "streamworks.dead-letter.limit";

    private volatile int bytes;

    /** @param bytes the limit; 0 or less: none known (records go out whole) */
    public DeadLetterLimit(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    public void set(int bytes) {
        this.bytes = bytes;
    }

    static DeadLetterLimit from(Map<String, ?> configs) {
        return configs.get(CONFIG) instanceof DeadLetterLimit limit ? limit : new DeadLetterLimit(0);
    }
}
