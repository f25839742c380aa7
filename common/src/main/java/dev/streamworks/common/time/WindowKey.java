package dev.streamworks.common.time;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The key of a window in a key-value store: the window's start first, then the grouping key, so the
 * store is ordered by time and the windows the watermark closes or evicts are one range scan from
 * the beginning, each entry visited once, whatever the number of keys.
 * <p>
 * Bytes: 8 bytes big-endian of {@code start} with the sign bit flipped (so byte order is time
 * order, before 1970 included), then the key in UTF-8.
 */
public record WindowKey(long start, String key) {

    public static final Serde<WindowKey> SERDE = new Serde<>() {
        @Override
        public Serializer<WindowKey> serializer() {
            return (topic, windowKey) -> windowKey == null ? null : windowKey.toBytes();
        }

        @Override
        public Deserializer<WindowKey> deserializer() {
            return (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
        }
    };

    public byte[] toBytes() {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + keyBytes.length).putLong(start ^ Long.MIN_VALUE).put(keyBytes).array();
    }

    public static WindowKey fromBytes(byte[] bytes) {
        long start = ByteBuffer.wrap(bytes, 0, 8).getLong() ^ Long.MIN_VALUE;
        return new WindowKey(start, new String(bytes, 8, bytes.length - 8, StandardCharsets.UTF_8));
    }

    /** The smallest key of windows starting at {@code start}: a range bound. */
    public static WindowKey first(long start) {
        return new WindowKey(start, "");
    }
}
