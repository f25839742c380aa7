package dev.streamworks.common.serde;

import dev.streamworks.common.event.ChangeEvent;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.InvalidEventException;
import dev.streamworks.common.event.TelemetryReading;
import dev.streamworks.common.event.Transaction;
import dev.streamworks.common.testing.TestTimes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventSerdeTest {

    private static final int MAX_BYTES = 512;
    private final EventSerde<TelemetryReading> readings =
            new EventSerde<>(TelemetryReading.class, MAX_BYTES, Duration.ofHours(1), TestTimes.CLOCK);

    private TelemetryReading parse(String json) {
        return readings.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String readingAt(String timestampJson) {
        return "{\"device_id\":\"d-1\",\"event_timestamp\":" + timestampJson + ",\"temperature\":21.5}";
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("reads every timestamp form of the contract")
    @CsvSource(delimiter = '|', value = {
            "'\"2025-12-09T13:08:01.282Z\"'      | 2025-12-09T13:08:01.282Z",
            "'\"2025-12-09T15:08:01+02:00\"'     | 2025-12-09T13:08:01Z",
            "'\"2025-12-09T08:08:01.5-05:00\"'   | 2025-12-09T13:08:01.500Z",
            "'\"2025-12-09T13:08:01.282\"'       | 2025-12-09T13:08:01.282Z",
            "'\"2025-12-09T13:08:01\"'           | 2025-12-09T13:08:01Z",
            "1765285681282                       | 2025-12-09T13:08:01.282Z"})
    void shouldReadEveryTimestampForm(String timestampJson, String expected) {
        assertThat(parse(readingAt(timestampJson)).eventTimestamp()).isEqualTo(Instant.parse(expected));
    }

    @Test
    void shouldReadOptionalFieldsAndIgnoreUnknownOnes() {
        TelemetryReading reading = parse("{\"device_id\":\"d-1\",\"event_timestamp\":\"2025-12-09T13:00:00Z\","
                + "\"temperature\":-4.5,\"humidity\":40,\"battery\":88.5,\"firmware\":\"1.2\"}");

        assertThat(reading).isEqualTo(new TelemetryReading("d-1", Instant.parse("2025-12-09T13:00:00Z"), -4.5,
                40.0, 88.5));
    }

    @Test
    void shouldKeepTheOriginalBytes() {
        byte[] bytes = readingAt("1765285681282").getBytes(StandardCharsets.UTF_8);

        Parsed<TelemetryReading> parsed = readings.deserializer().deserialize("iot-telemetry", bytes);

        assertThat(parsed.bytes()).isSameAs(bytes);
        assertThat(readings.serializer().serialize("repartition", parsed)).isSameAs(bytes);
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of("not JSON", "device_id=d-1", "not valid JSON"),
                Arguments.of("truncated JSON", "{\"device_id\":\"d-1\"", "not valid JSON"),
                Arguments.of("trailing garbage", "{\"device_id\":\"d-1\",\"event_timestamp\":0,\"temperature\":1} x", "not valid JSON"),
                Arguments.of("an array", "[1,2]", "must be a JSON object"),
                Arguments.of("JSON null", "null", "JSON null"),
                Arguments.of("missing device_id", "{\"event_timestamp\":\"2025-12-09T13:00:00Z\",\"temperature\":1}", "missing required field 'device_id'"),
                Arguments.of("missing temperature", "{\"device_id\":\"d-1\",\"event_timestamp\":\"2025-12-09T13:00:00Z\"}", "missing required field 'temperature'"),
                Arguments.of("missing timestamp", "{\"device_id\":\"d-1\",\"temperature\":1}", "missing required field 'event_timestamp'"),
                Arguments.of("blank device_id", "{\"device_id\":\" \",\"event_timestamp\":0,\"temperature\":1}", "'device_id' must not be blank"),
                Arguments.of("number as device_id", "{\"device_id\":7,\"event_timestamp\":0,\"temperature\":1}", "field 'device_id' has the wrong type"),
                Arguments.of("text as temperature", "{\"device_id\":\"d-1\",\"event_timestamp\":0,\"temperature\":\"hot\"}", "field 'temperature' has the wrong type"),
                Arguments.of("numeric text", "{\"device_id\":\"d-1\",\"event_timestamp\":0,\"temperature\":\"81.5\"}", "field 'temperature' has the wrong type"),
                Arguments.of("object as temperature", "{\"device_id\":\"d-1\",\"event_timestamp\":0,\"temperature\":{}}", "field 'temperature' has the wrong type"),
                Arguments.of("bad timestamp", "{\"device_id\":\"d-1\",\"event_timestamp\":\"yesterday\",\"temperature\":1}", "unparseable timestamp 'yesterday'"),
                Arguments.of("impossible date", "{\"device_id\":\"d-1\",\"event_timestamp\":\"2025-13-45T00:00:00Z\",\"temperature\":1}", "unparseable timestamp"),
                Arguments.of("boolean timestamp", "{\"device_id\":\"d-1\",\"event_timestamp\":true,\"temperature\":1}", "a timestamp must be"),
                Arguments.of("negative humidity", "{\"device_id\":\"d-1\",\"event_timestamp\":0,\"temperature\":1,\"humidity\":-1}", "'humidity' must be >= 0"),
                Arguments.of("negative battery", "{\"device_id\":\"d-1\",\"event_timestamp\":0,\"temperature\":1,\"battery\":-0.5}", "'battery' must be >= 0"),
                Arguments.of("far future", "{\"device_id\":\"d-1\",\"event_timestamp\":\"2025-12-10T14:00:01Z\",\"temperature\":1}", "ahead of the wall clock"));
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("rejects each kind of bad input with a message naming the problem")
    @MethodSource("badInput")
    void shouldRejectBadInput(String kind, String json, String message) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining(message);
    }

    @Test
    void shouldAcceptAnEventTimeJustInsideTheFutureSkew() {
        // the wall clock is T0 + 1 day; the limit is one hour after it
        Instant limit = TestTimes.CLOCK.instant().plus(Duration.ofHours(1));

        assertThat(parse(readingAt("\"" + limit + "\"")).eventTimestamp()).isEqualTo(limit);
    }

    @Test
    void shouldRejectARecordLargerThanTheLimitBeforeParsingIt() {
        String large = "{\"device_id\":\"" + "x".repeat(MAX_BYTES) + "\",\"event_timestamp\":0,\"temperature\":1}";

        assertThatThrownBy(() -> parse(large))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("larger than the limit of " + MAX_BYTES + " bytes");
    }

    @Test
    void shouldRejectARecordWithoutValue() {
        assertThatThrownBy(() -> readings.parse(null))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("record has no value");
    }

    @Test
    void shouldReadClicksWithTheCoursesEventTypesAndRevenue() {
        EventSerde<Click> clicks = new EventSerde<>(Click.class, 4096, Duration.ofHours(1), TestTimes.CLOCK);

        Click click = clicks.parse(("{\"event_id\":\"e-1\",\"timestamp\":\"2025-12-09T13:00:00Z\",\"user_id\":\"u-1\","
                + "\"event_type\":\"purchase\",\"product_id\":\"p-1\",\"price\":12.5,\"quantity\":2}").getBytes());

        assertThat(click.eventType()).isEqualTo(Click.EventType.PURCHASE);
        assertThat(click.revenue()).isEqualTo(25.0);
        assertThatThrownBy(() -> clicks.parse(("{\"event_id\":\"e-1\",\"timestamp\":0,\"user_id\":\"u-1\","
                + "\"event_type\":\"checkout\",\"product_id\":\"p-1\"}").getBytes()))
                .hasMessageContaining("field 'event_type' must be one of");
        assertThatThrownBy(() -> clicks.parse(("{\"event_id\":\"e-1\",\"timestamp\":0,\"user_id\":\"u-1\","
                + "\"event_type\":\"view\",\"product_id\":\"p-1\",\"quantity\":-1}").getBytes()))
                .hasMessageContaining("'quantity' must be >= 0");
    }

    @Test
    void shouldRejectANegativeAmount() {
        EventSerde<Transaction> transactions =
                new EventSerde<>(Transaction.class, 4096, Duration.ofHours(1), TestTimes.CLOCK);

        assertThatThrownBy(() -> transactions.parse(("{\"transaction_id\":\"t-1\",\"user_id\":\"u-1\","
                + "\"amount\":-10,\"country\":\"FR\",\"transaction_time\":0}").getBytes()))
                .hasMessageContaining("'amount' must be >= 0");
    }

    @Test
    void shouldUnwrapDebeziumsSchemaEnvelope() {
        EventSerde<ChangeEvent> changes = new EventSerde<>(ChangeEvent.class, 4096, Duration.ofHours(1),
                TestTimes.CLOCK);
        String payload = "{\"op\":\"u\",\"before\":null,\"after\":{\"user_id\":\"u-1\",\"user_segment\":\"vip\"},"
                + "\"source\":{\"ts_ms\":1765285681282,\"lsn\":24023128},\"ts_ms\":1765285681300}";

        ChangeEvent plain = changes.parse(payload.getBytes());
        ChangeEvent enveloped = changes.parse(("{\"schema\":{\"type\":\"struct\"},\"payload\":" + payload + "}")
                .getBytes());

        assertThat(enveloped).isEqualTo(plain);
        assertThat(plain.op()).isEqualTo(ChangeEvent.Op.UPDATE);
        assertThat(plain.after()).containsEntry("user_segment", "vip");
        assertThat(plain.eventTime()).isEqualTo(Instant.ofEpochMilli(1765285681282L));
    }
}
