package dev.streamworks.iot.processor;

import dev.streamworks.common.event.TelemetryReading;
import dev.streamworks.common.serde.BinaryCodec;
import dev.streamworks.common.serde.BinaryReader;
import dev.streamworks.common.serde.BinaryWriter;

/** A validated reading in binary, for the repartition topic (read back without a JSON parse). */
public final class ReadingCodec implements BinaryCodec<TelemetryReading> {

    @Override
    public void write(TelemetryReading reading, BinaryWriter out) {
        out.writeString(reading.deviceId())
                .writeInstant(reading.eventTimestamp())
                .writeDouble(reading.temperature())
                .writeNullableDouble(reading.humidity())
                .writeNullableDouble(reading.battery());
    }

    @Override
    public TelemetryReading read(BinaryReader in) {
        String deviceId = in.readString();
        var timestamp = in.readInstant();
        double temperature = in.readDouble();
        return new TelemetryReading(deviceId, timestamp, temperature, in.readNullableDouble(), in.readNullableDouble());
    }
}
