package dev.streamworks.iot.processor;

import dev.streamworks.iot.domain.DeviceWindow;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;

/**
 * Fixed-size binary form of {@link DeviceWindow} for the window store and its changelog: one
 * read and one write per reading, so no JSON on that path. Layout: a version byte, then count,
 * sum, min, max, alertedMax, escalations (45 bytes).
 */
final class DeviceWindowSerde implements Serde<DeviceWindow> {

    private static final byte VERSION = 1;
    private static final int SIZE = 1 + Long.BYTES + 4 * Double.BYTES + Integer.BYTES;

    @Override
    public Serializer<DeviceWindow> serializer() {
        return (topic, window) -> window == null ? null : ByteBuffer.allocate(SIZE)
                .put(VERSION)
                .putLong(window.count())
                .putDouble(window.sum())
                .putDouble(window.min())
                .putDouble(window.max())
                .putDouble(window.alertedMax())
                .putInt(window.escalations())
                .array();
    }

    @Override
    public Deserializer<DeviceWindow> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            if (data.length != SIZE || data[0] != VERSION) {
                throw new SerializationException("not a device window (version " + VERSION + ", " + SIZE
                        + " bytes): " + data.length + " bytes");
            }
            ByteBuffer buffer = ByteBuffer.wrap(data, 1, SIZE - 1);
            return new DeviceWindow(buffer.getLong(), buffer.getDouble(), buffer.getDouble(), buffer.getDouble(),
                    buffer.getDouble(), buffer.getInt());
        };
    }
}
