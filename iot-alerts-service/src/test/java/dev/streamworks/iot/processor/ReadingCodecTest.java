package dev.streamworks.iot.processor;

import dev.streamworks.common.event.TelemetryReading;
import dev.streamworks.common.serde.EventSerde;
import dev.streamworks.common.serde.Parsed;
import dev.streamworks.common.serde.RepartitionSerde;
import dev.streamworks.common.testing.TestTimes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ReadingCodecTest {

    private final EventSerde<TelemetryReading> input =
            new EventSerde<>(TelemetryReading.class, 4096, Duration.ofHours(1), TestTimes.CLOCK);
    private final RepartitionSerde<TelemetryReading> serde = RepartitionSerde.of(input, new ReadingCodec());

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"device_id\":\"d-1\",\"event_timestamp\":\"2025-12-09T13:08:01.282Z\",\"temperature\":-12.75,"
                    + "\"humidity\":40.5,\"battery\":0.0}",
            "{\"device_id\":\"capteur-é\",\"event_timestamp\":1765285681282,\"temperature\":85}"})
    void shouldCarryEveryFieldOfAReadingAndItsOriginalBytes(String json) {
        Parsed<TelemetryReading> parsed = input.deserializer().deserialize("iot-telemetry",
                json.getBytes(StandardCharsets.UTF_8));

        Parsed<TelemetryReading> back = serde.read(serde.write(parsed));

        assertThat(back.value()).isEqualTo(parsed.value());
        assertThat(new String(back.bytes(), StandardCharsets.UTF_8)).isEqualTo(json);
    }
}
