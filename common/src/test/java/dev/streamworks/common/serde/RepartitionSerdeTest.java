package dev.streamworks.common.serde;

import dev.streamworks.common.event.InvalidEventException;
import dev.streamworks.common.event.TelemetryReading;
import dev.streamworks.common.testing.TestTimes;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepartitionSerdeTest {

    private final EventSerde<TelemetryReading> input =
            new EventSerde<>(TelemetryReading.class, 4096, Duration.ofHours(1), TestTimes.CLOCK);

    /** A codec written for this test: device, time to the nanosecond, temperature, humidity, battery. */
    private static final BinaryCodec<TelemetryReading> CODEC = new BinaryCodec<>() {
        @Override
        public void write(TelemetryReading r, BinaryWriter out) {
            out.writeString(r.deviceId()).writeInstant(r.eventTimestamp()).writeNullableDouble(r.temperature())
                    .writeNullableDouble(r.humidity()).writeNullableDouble(r.battery());
        }

        @Override
        public TelemetryReading read(BinaryReader in) {
            return new TelemetryReading(in.readString(), in.readInstant(), in.readNullableDouble(),
                    in.readNullableDouble(), in.readNullableDouble());
        }
    };

    private final RepartitionSerde<TelemetryReading> serde = RepartitionSerde.of(input, CODEC);

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static final byte[] READING = json(
            "{\"device_id\":\"dévice-1\",\"event_timestamp\":\"2025-12-09T15:08:01.123456789+02:00\","
                    + "\"temperature\":-3.25,\"battery\":0.5,\"firmware\":\"ignored\"}");

    @Test
    void shouldCarryTheParsedValueAndTheOriginalBytesThroughTheTopic() {
        Parsed<TelemetryReading> parsed = input.deserializer().deserialize("iot-telemetry", READING);

        Parsed<TelemetryReading> back = serde.deserializer().deserialize("x-repartition",
                serde.serializer().serialize("x-repartition", parsed));

        assertThat(back.value()).isEqualTo(parsed.value());
        assertThat(back.value().eventTimestamp()).isEqualTo(Instant.parse("2025-12-09T13:08:01.123456789Z"));
        assertThat(back.value().humidity()).isNull();
        assertThat(back.bytes()).isEqualTo(READING);
    }

    @Test
    void shouldStillReadAndValidateValuesWrittenBeforeTheBinaryFormExisted() {
        assertThat(serde.read(READING).value().deviceId()).isEqualTo("dévice-1");
        assertThat(serde.read(READING).bytes()).isEqualTo(READING);
        assertThatThrownBy(() -> serde.read(json("{\"device_id\":\"d\"}")))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("event_timestamp");
    }

    @Test
    void shouldGiveTheOriginalBytesOfAValueInTheInternalFormAndLeaveAnyOtherValueAlone() {
        byte[] carried = serde.write(input.deserializer().deserialize("iot-telemetry", READING));

        assertThat(RepartitionSerde.original(carried)).isEqualTo(READING);
        assertThat(RepartitionSerde.original(READING)).isSameAs(READING);
        assertThat(RepartitionSerde.original(null)).isNull();
        byte[] broken = {0, 127, 1};
        assertThat(RepartitionSerde.original(broken)).isSameAs(broken);
    }

    @Test
    void shouldRejectATruncatedValue() {
        byte[] carried = serde.write(input.deserializer().deserialize("iot-telemetry", READING));

        assertThatThrownBy(() -> serde.read(Arrays.copyOf(carried, carried.length - 3)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("truncated");
    }

    @Test
    void shouldWriteAndReadEveryFieldKindAtItsLimits() {
        BinaryWriter out = new BinaryWriter(1);
        out.writeVarint(0).writeVarint(Integer.MAX_VALUE).writeLong(Long.MIN_VALUE).writeInt(-1)
                .writeNullableString(null).writeNullableString("").writeNullableInt(null).writeNullableInt(7)
                .writeNullableDouble(Double.NaN).writeDouble(-0.0).writeInstant(Instant.ofEpochSecond(-1, 999_999_999))
                .writeString("x".repeat(300));
        BinaryReader in = new BinaryReader(out.toByteArray(), 0);

        assertThat(in.readVarint()).isZero();
        assertThat(in.readVarint()).isEqualTo(Integer.MAX_VALUE);
        assertThat(in.readLong()).isEqualTo(Long.MIN_VALUE);
        assertThat(in.readInt()).isEqualTo(-1);
        assertThat(in.readNullableString()).isNull();
        assertThat(in.readNullableString()).isEmpty();
        assertThat(in.readNullableInt()).isNull();
        assertThat(in.readNullableInt()).isEqualTo(7);
        assertThat(in.readNullableDouble()).isNaN();
        assertThat(Double.doubleToRawLongBits(in.readDouble())).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(in.readInstant()).isEqualTo(Instant.ofEpochSecond(-1, 999_999_999));
        assertThat(in.readString()).hasSize(300);
        assertThat(in.hasRemaining()).isFalse();
    }
}
