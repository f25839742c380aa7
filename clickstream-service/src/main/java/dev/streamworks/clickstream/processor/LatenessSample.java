package dev.streamworks.clickstream.processor;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;

/** When one click arrived (wall clock) and when it happened (event time); 16 bytes on the wire. */
public record LatenessSample(long arrivalMs, long eventTimeMs) {

    public long latencyMs() {
        return arrivalMs - eventTimeMs;
    }

    public static Serde<LatenessSample> serde() {
        return new Serde<>() {
            @Override
            public Serializer<LatenessSample> serializer() {
                return (topic, sample) -> sample == null ? null
                        : ByteBuffer.allocate(2 * Long.BYTES).putLong(sample.arrivalMs).putLong(sample.eventTimeMs).array();
            }

            @Override
            public Deserializer<LatenessSample> deserializer() {
                return (topic, data) -> {
                    if (data == null) {
                        return null;
                    }
                    if (data.length != 2 * Long.BYTES) {
                        throw new SerializationException("a lateness sample has 16 bytes, not " + data.length);
                    }
                    ByteBuffer buffer = ByteBuffer.wrap(data);
                    return new LatenessSample(buffer.getLong(), buffer.getLong());
                };
            }
        };
    }
}
