package dev.streamworks.clickstream.processor;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;

/**
 * The lateness store's layout: one entry per (wall-clock minute, latency bucket) holding that
 * bucket's count, sum and maximum, so a click costs one small read and write, not a whole
 * histogram decoded and encoded again. Keys are 16 bytes big-endian, minute first: for the
 * non-negative times and buckets stored, byte order is numeric order and a minute's buckets are
 * one range.
 */
final class LatenessBuckets {

    private LatenessBuckets() {
    }

    /** A bucket of one minute: {@code minute} is the minute's start, {@code bucket} the bucket's value in ms. */
    record Key(long minute, long bucket) {
    }

    /** Count, sum and maximum of the latencies (ms) in one bucket. */
    record Figures(long count, long sum, long max) {

        static Figures of(long latencyMs) {
            return new Figures(1, latencyMs, latencyMs);
        }

        Figures add(long latencyMs) {
            return new Figures(count + 1, sum + latencyMs, Math.max(max, latencyMs));
        }
    }

    static Serde<Key> keySerde() {
        Serializer<Key> serializer = (topic, key) -> key == null ? null
                : ByteBuffer.allocate(2 * Long.BYTES).putLong(key.minute()).putLong(key.bucket()).array();
        Deserializer<Key> deserializer = (topic, data) -> {
            if (data == null) {
                return null;
            }
            if (data.length != 2 * Long.BYTES) {
                throw new SerializationException("not a lateness bucket key: " + data.length + " bytes");
            }
            ByteBuffer buffer = ByteBuffer.wrap(data);
            return new Key(buffer.getLong(), buffer.getLong());
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    static Serde<Figures> figuresSerde() {
        Serializer<Figures> serializer = (topic, figures) -> figures == null ? null
                : ByteBuffer.allocate(3 * Long.BYTES).putLong(figures.count()).putLong(figures.sum())
                .putLong(figures.max()).array();
        Deserializer<Figures> deserializer = (topic, data) -> {
            if (data == null) {
                return null;
            }
            if (data.length != 3 * Long.BYTES) {
                throw new SerializationException("not lateness bucket figures: " + data.length + " bytes");
            }
            ByteBuffer buffer = ByteBuffer.wrap(data);
            return new Figures(buffer.getLong(), buffer.getLong(), buffer.getLong());
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
