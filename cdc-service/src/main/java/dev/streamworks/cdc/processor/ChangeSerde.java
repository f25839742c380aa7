package dev.streamworks.cdc.processor;

import dev.streamworks.cdc.domain.SourceChange;
import dev.streamworks.common.event.ChangeEvent;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.serde.Parsed;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.time.Clock;
import java.time.Duration;

/**
 * The serde of a Debezium source topic. A null value is Debezium's tombstone after a delete (it
 * lets Kafka compact the source topic) and reads as null, to be skipped; every other value is
 * validated like any input ({@link EventSerde}: size, JSON, envelope, {@code op}, timestamps,
 * far-future event time) and must carry a source position, or it throws
 * {@link dev.streamworks.common.event.InvalidEventException} and goes to the dead-letter topic.
 * Serializing writes the original bytes back.
 */
public final class ChangeSerde implements Serde<Parsed<SourceChange>> {

    private final EventSerde<ChangeEvent> events;

    public ChangeSerde(int maxRecordBytes, Duration maxFutureSkew, Clock clock) {
        this.events = new EventSerde<>(ChangeEvent.class, maxRecordBytes, maxFutureSkew, clock);
    }

    /** Parses one value; null for a tombstone. */
    public SourceChange parse(byte[] data) {
        return data == null ? null : SourceChange.of(events.parse(data));
    }

    @Override
    public Serializer<Parsed<SourceChange>> serializer() {
        return (topic, parsed) -> parsed == null ? null : parsed.bytes();
    }

    @Override
    public Deserializer<Parsed<SourceChange>> deserializer() {
        return (topic, data) -> data == null ? null : new Parsed<>(parse(data), data);
    }
}
