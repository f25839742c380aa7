package dev.streamworks.iot.processor;

import dev.streamworks.iot.domain.DeviceWindow;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary form of {@link DeviceWindow} for the window store and its changelog: one read and one
 * write per reading, so no JSON on that path. Layout: a version byte, count, sum, min, max, the
 * number of alerts, then per alert its max, avg, readings and event time (37 + 32 bytes per alert).
 */
public final class DeviceWindowSerde implements Serde<DeviceWindow> {

    private static final byte VERSION = 2;
    private static final int FIXED = 1 + Long.BYTES + 3 * Double.BYTES + Integer.BYTES;
    private static final int PER_ALERT = 2 * Double.BYTES + 2 * Long.BYTES;

    @Override
    public Serializer<DeviceWindow> serializer() {
        return (topic, window) -> {
            if (window == null) {
                return null;
            }
            ByteBuffer out = ByteBuffer.allocate(FIXED + PER_ALERT * window.alerts().size()).put(VERSION)
                    .putLong(window.count()).putDouble(window.sum()).putDouble(window.min()).putDouble(window.max())
                    .putInt(window.alerts().size());
            for (DeviceWindow.Raised raised : window.alerts()) {
                out.putDouble(raised.maxTemp()).putDouble(raised.avgTemp()).putLong(raised.numReadings())
                        .putLong(raised.eventTimeMs());
            }
            return out.array();
        };
    }

    @Override
    public Deserializer<DeviceWindow> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            if (data.length < FIXED || data[0] != VERSION) {
                throw new SerializationException("not a device window (version " + VERSION + "): " + data.length
                        + " bytes");
            }
            try {
                ByteBuffer in = ByteBuffer.wrap(data, 1, data.length - 1);
                long count = in.getLong();
                double sum = in.getDouble();
                double min = in.getDouble();
                double max = in.getDouble();
                int n = in.getInt();
                List<DeviceWindow.Raised> alerts = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    alerts.add(new DeviceWindow.Raised(in.getDouble(), in.getDouble(), in.getLong(), in.getLong()));
                }
                return new DeviceWindow(count, sum, min, max, alerts);
            } catch (BufferUnderflowException e) {
                throw new SerializationException("truncated device window of " + data.length + " bytes", e);
            }
        };
    }
}
