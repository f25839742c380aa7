package dev.streamworks.clickstream.processor;

import dev.streamworks.clickstream.domain.WindowFigures;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;

/**
 * Binary form of {@link WindowFigures} for the window stores and their changelogs: each click
 * reads and writes one to three of them, so no JSON on that path. Layout: a version byte, events,
 * unique users, purchases, revenue, amount, then the sketch's length (-1: none) and registers.
 */
public final class WindowFiguresSerde implements Serde<WindowFigures> {

    private static final byte VERSION = 1;
    private static final int FIXED = 1 + 3 * Long.BYTES + 2 * Double.BYTES + Integer.BYTES;

    @Override
    public Serializer<WindowFigures> serializer() {
        return (topic, figures) -> {
            if (figures == null) {
                return null;
            }
            byte[] sketch = figures.sketch();
            ByteBuffer buffer = ByteBuffer.allocate(FIXED + (sketch == null ? 0 : sketch.length))
                    .put(VERSION)
                    .putLong(figures.events())
                    .putLong(figures.uniqueUsers())
                    .putLong(figures.purchases())
                    .putDouble(figures.revenue())
                    .putDouble(figures.amount())
                    .putInt(sketch == null ? -1 : sketch.length);
            if (sketch != null) {
                buffer.put(sketch);
            }
            return buffer.array();
        };
    }

    @Override
    public Deserializer<WindowFigures> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            if (data.length < FIXED || data[0] != VERSION) {
                throw new SerializationException("not window figures (version " + VERSION + "): " + data.length
                        + " bytes");
            }
            ByteBuffer buffer = ByteBuffer.wrap(data, 1, data.length - 1);
            long events = buffer.getLong();
            long users = buffer.getLong();
            long purchases = buffer.getLong();
            double revenue = buffer.getDouble();
            double amount = buffer.getDouble();
            int sketchLength = buffer.getInt();
            byte[] sketch = null;
            if (sketchLength >= 0) {
                if (buffer.remaining() != sketchLength) {
                    throw new SerializationException("window figures: sketch of " + sketchLength + " bytes expected, "
                            + buffer.remaining() + " found");
                }
                sketch = new byte[sketchLength];
                buffer.get(sketch);
            }
            return new WindowFigures(events, users, purchases, revenue, amount, sketch);
        };
    }
}
