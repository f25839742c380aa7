package dev.streamworks.common.streams;

/**
 * Told of every record sent to the dead-letter topic. Handed to Kafka Streams' exception
 * handlers through the Streams configuration under {@link #CONFIG}, since Streams builds the
 * handlers itself.
 */
@FunctionalInterface
public interface DeadLetterListener {

    String CONFIG = "streamworks.dead-letter.listener";

    /** @param stage {@code deserialization}, {@code processing} or {@code production} */
    void onDeadLetter(String stage, Exception error);

    static DeadLetterListener from(java.util.Map<String, ?> configs) {
        return configs.get(CONFIG) instanceof DeadLetterListener listener ? listener : (stage, error) -> { };
    }
}
