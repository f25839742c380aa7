package dev.streamworks.common.serde;

import dev.streamworks.common.streams.Window;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class JsonSerdeTest {

    record Output(Window window, String deviceId, double avgTemp, Instant eventTimestamp, Double missing) {
    }

    @Test
    void shouldWriteSnakeCaseFieldsAndInstantsAsInstantToStringPrintsThem() {
        Output output = new Output(Window.ofMillis(1765285200000L, 1765285500000L), "d-1", 20.5,
                Instant.parse("2025-12-09T13:08:01.280Z"), null);

        String json = new String(JsonSerde.of(Output.class).serializer().serialize("t", output), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"window\":{\"start\":\"2025-12-09T13:00:00Z\",\"end\":\"2025-12-09T13:05:00Z\"},"
                + "\"device_id\":\"d-1\",\"avg_temp\":20.5,\"event_timestamp\":\"2025-12-09T13:08:01.280Z\","
                + "\"missing\":null}");
        assertThat(JsonSerde.of(Output.class).deserializer().deserialize("t", json.getBytes())).isEqualTo(output);
    }
}
