package dev.streamworks.common.serde;

import dev.streamworks.common.event.ChangeEvent;
import dev.streamworks.common.event.Click;
import dev.streamworks.common.event.Event;
import dev.streamworks.common.event.Impression;
import dev.streamworks.common.event.InvalidEventException;
import dev.streamworks.common.event.TelemetryReading;
import dev.streamworks.common.event.Transaction;
import dev.streamworks.common.testing.TestTimes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every kind of bad input of docs/README.md, for every input schema, in one table: each
 * row is a value, and either the message its rejection must carry or {@code null} when it is
 * valid input. The schemas' good records are varied field by field (missing, null, wrong type,
 * non-finite, negative, fractional where an integer belongs, timestamps of every bad kind), and
 * the shapes that are not a record at all are tried on each schema.
 */
class BadInputTest {

    private static final int MAX_BYTES = 2048;

    /** An input schema: its good record, its fields by kind. */
    private record Schema(Class<? extends Event> type, Map<String, String> fields, List<String> text,
                          List<String> numbers, List<String> nonNegative, List<String> integers, String time) {

        String with(String field, String json) {
            Map<String, String> all = new LinkedHashMap<>(fields);
            if (json == null) {
                all.remove(field);
            } else {
                all.put(field, json);
            }
            return all.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue())
                    .collect(Collectors.joining(",", "{", "}"));
        }

        String good() {
            return with("__none", null);
        }

        String name() {
            return type.getSimpleName();
        }
    }

    private static final List<Schema> SCHEMAS = List.of(
            new Schema(Click.class, ordered("event_id", "\"e-1\"", "timestamp", "\"2025-12-09T13:00:00Z\"",
                    "user_id", "\"u-1\"", "event_type", "\"purchase\"", "product_id", "\"p-1\"",
                    "price", "19.99", "quantity", "2"),
                    List.of("event_id", "user_id", "product_id"), List.of("price"), List.of("price", "quantity"),
                    List.of("quantity"), "timestamp"),
            new Schema(Impression.class, ordered("impression_id", "\"i-1\"", "user_id", "\"u-1\"",
                    "product_id", "\"p-1\"", "impression_time", "\"2025-12-09T13:00:00Z\""),
                    List.of("impression_id", "user_id", "product_id"), List.of(), List.of(), List.of(),
                    "impression_time"),
            new Schema(TelemetryReading.class, ordered("device_id", "\"d-1\"", "event_timestamp",
                    "\"2025-12-09T13:00:00Z\"", "temperature", "81.5", "humidity", "40", "battery", "88.5"),
                    List.of("device_id"), List.of("temperature", "humidity", "battery"), List.of("humidity", "battery"),
                    List.of(), "event_timestamp"),
            new Schema(Transaction.class, ordered("transaction_id", "\"t-1\"", "user_id", "\"u-1\"", "amount", "120.5",
                    "country", "\"FR\"", "transaction_time", "\"2025-12-09T13:00:00Z\"", "currency", "\"EUR\""),
                    List.of("transaction_id", "user_id", "country"), List.of("amount"), List.of("amount"), List.of(),
                    "transaction_time"));

    private static final Map<String, List<String>> REQUIRED = Map.of(
            "Click", List.of("event_id", "timestamp", "user_id", "event_type", "product_id"),
            "Impression", List.of("impression_id", "user_id", "product_id", "impression_time"),
            "TelemetryReading", List.of("device_id", "event_timestamp", "temperature"),
            "Transaction", List.of("transaction_id", "user_id", "amount", "country", "transaction_time"));

    private static Map<String, String> ordered(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Schema schema : SCHEMAS) {
            String n = schema.name();
            cases.add(Arguments.of(n + ": the good record", schema.type(), bytes(schema.good()), null));
            // not a record at all
            cases.add(Arguments.of(n + ": not JSON", schema.type(), bytes("device_id=d-1"), "not valid JSON"));
            cases.add(Arguments.of(n + ": truncated JSON", schema.type(),
                    bytes(schema.good().substring(0, schema.good().length() / 2)), "not valid JSON"));
            cases.add(Arguments.of(n + ": trailing garbage", schema.type(), bytes(schema.good() + " x"), "not valid JSON"));
            cases.add(Arguments.of(n + ": an array", schema.type(), bytes("[" + schema.good() + "]"), "must be a JSON object"));
            cases.add(Arguments.of(n + ": a string", schema.type(), bytes("\"hello\""), "must be a JSON object"));
            cases.add(Arguments.of(n + ": a number", schema.type(), bytes("42"), "must be a JSON object"));
            cases.add(Arguments.of(n + ": JSON null", schema.type(), bytes("null"), "JSON null"));
            cases.add(Arguments.of(n + ": empty value", schema.type(), new byte[0], "empty"));
            cases.add(Arguments.of(n + ": blank value", schema.type(), bytes("  \n"), "empty"));
            cases.add(Arguments.of(n + ": no value", schema.type(), null, "record has no value"));
            byte[] invalidUtf8 = bytes(schema.good());
            invalidUtf8[invalidUtf8.length / 2 - 3] = (byte) 0xC3;
            invalidUtf8[invalidUtf8.length / 2 - 2] = (byte) 0x28;
            cases.add(Arguments.of(n + ": invalid UTF-8", schema.type(), invalidUtf8, "UTF-8"));
            cases.add(Arguments.of(n + ": deeply nested", schema.type(),
                    bytes("{\"x\":" + "[".repeat(600) + "]".repeat(600) + "}"), "nested"));
            String first = schema.text().get(0);
            cases.add(Arguments.of(n + ": duplicate key", schema.type(),
                    bytes(schema.good().replace("{", "{\"" + first + "\":\"other\",")), "duplicate field '" + first + "'"));
            String padded = schema.good().replace("{", "{\"pad\":\"%s\",");
            int room = MAX_BYTES - padded.length() + 2;
            cases.add(Arguments.of(n + ": exactly max-record-bytes", schema.type(),
                    bytes(padded.formatted("x".repeat(room))), null));
            cases.add(Arguments.of(n + ": one byte over max-record-bytes", schema.type(),
                    bytes(padded.formatted("x".repeat(room + 1))), "larger than the limit of " + MAX_BYTES));
            cases.add(Arguments.of(n + ": unknown field", schema.type(),
                    bytes(schema.good().replace("{", "{\"firmware\":\"1.2\",")), null));
            // fields
            for (String field : REQUIRED.get(n)) {
                cases.add(Arguments.of(n + ": " + field + " missing", schema.type(), bytes(schema.with(field, null)),
                        "missing required field '" + field + "'"));
                cases.add(Arguments.of(n + ": " + field + " null", schema.type(), bytes(schema.with(field, "null")),
                        "missing required field '" + field + "'"));
                cases.add(Arguments.of(n + ": " + field + " an object", schema.type(), bytes(schema.with(field, "{}")),
                        "'" + field + "'"));
            }
            for (String field : schema.text()) {
                cases.add(Arguments.of(n + ": " + field + " a number", schema.type(), bytes(schema.with(field, "7")),
                        "field '" + field + "' has the wrong type"));
                cases.add(Arguments.of(n + ": " + field + " blank", schema.type(), bytes(schema.with(field, "\" \"")),
                        "'" + field + "' must not be blank"));
            }
            for (String field : schema.numbers()) {
                cases.add(Arguments.of(n + ": " + field + " text", schema.type(), bytes(schema.with(field, "\"81.5\"")),
                        "field '" + field + "' has the wrong type"));
                cases.add(Arguments.of(n + ": " + field + " a boolean", schema.type(), bytes(schema.with(field, "true")),
                        "field '" + field + "' has the wrong type"));
                cases.add(Arguments.of(n + ": " + field + " NaN", schema.type(), bytes(schema.with(field, "NaN")),
                        "not valid JSON"));
                cases.add(Arguments.of(n + ": " + field + " Infinity", schema.type(), bytes(schema.with(field, "Infinity")),
                        "not valid JSON"));
                cases.add(Arguments.of(n + ": " + field + " -Infinity", schema.type(), bytes(schema.with(field, "-Infinity")),
                        "not valid JSON"));
                cases.add(Arguments.of(n + ": " + field + " 1e309", schema.type(), bytes(schema.with(field, "1e309")),
                        "'" + field + "' must be a finite number"));
                cases.add(Arguments.of(n + ": " + field + " -1e309", schema.type(), bytes(schema.with(field, "-1e309")),
                        "'" + field + "' must be a finite number"));
                cases.add(Arguments.of(n + ": " + field + " 1e308", schema.type(), bytes(schema.with(field, "1e308")), null));
            }
            for (String field : schema.nonNegative()) {
                cases.add(Arguments.of(n + ": " + field + " negative", schema.type(), bytes(schema.with(field, "-1")),
                        "'" + field + "' must be >= 0"));
                cases.add(Arguments.of(n + ": " + field + " zero", schema.type(), bytes(schema.with(field, "0")), null));
                cases.add(Arguments.of(n + ": " + field + " -0.0", schema.type(), bytes(schema.with(field, "-0.0")),
                        schema.integers().contains(field) ? "must be an integer" : null));
            }
            for (String field : schema.integers()) {
                cases.add(Arguments.of(n + ": " + field + " 2.5", schema.type(), bytes(schema.with(field, "2.5")),
                        "field '" + field + "' must be an integer"));
                cases.add(Arguments.of(n + ": " + field + " 2.0", schema.type(), bytes(schema.with(field, "2.0")),
                        "field '" + field + "' must be an integer"));
                cases.add(Arguments.of(n + ": " + field + " 1e2", schema.type(), bytes(schema.with(field, "1e2")),
                        "field '" + field + "' must be an integer"));
                cases.add(Arguments.of(n + ": " + field + " beyond int", schema.type(),
                        bytes(schema.with(field, "3000000000")), "field '" + field + "' is out of range"));
            }
            String time = schema.time();
            Map<String, String> badTimes = ordered(
                    "\"yesterday\"", "unparseable timestamp 'yesterday'",
                    "\"2025-13-45T00:00:00Z\"", "unparseable timestamp",
                    "\"2025-12-09T13:00:00+25:00\"", "unparseable timestamp",
                    "\"2025-12-09T13:00:00+18:01\"", "unparseable timestamp",
                    "\"2025-12-09 13:00:00\"", "unparseable timestamp",
                    "\"\"", "unparseable timestamp",
                    "true", "a timestamp must be",
                    "1.5e12", "a timestamp must be",
                    "\"1969-12-31T23:59:59.999Z\"", "before 1970",
                    "-1", "before 1970",
                    "\"0000-01-01T00:00:00Z\"", "before 1970",
                    "\"2025-12-10T14:00:01Z\"", "ahead of the wall clock",
                    "9223372036854775807", "ahead of the wall clock",
                    "\"+999999999-12-31T23:59:59Z\"", "ahead of the wall clock");
            badTimes.forEach((json, message) -> cases.add(Arguments.of(n + ": " + time + " " + json, schema.type(),
                    bytes(schema.with(time, json)), message)));
            for (String goodTime : List.of("\"1970-01-01T00:00:00Z\"", "0", "\"2025-12-09T18:30:00+05:30\"",
                    "\"2025-12-09T13:00:00-00:00\"", "\"2025-12-10T02:00:00+14:00\"", "\"2025-12-09T13:00:00.123456789Z\"",
                    "\"2025-12-09T13:00:00\"")) {
                cases.add(Arguments.of(n + ": " + time + " " + goodTime, schema.type(), bytes(schema.with(time, goodTime)), null));
            }
        }
        // Debezium change events: their own shape
        String change = "{\"op\":\"c\",\"after\":{\"user_id\":\"u-1\"},\"source\":{\"ts_ms\":%s}}";
        cases.add(Arguments.of("ChangeEvent: the good record", ChangeEvent.class, bytes(change.formatted("1765285200000")), null));
        cases.add(Arguments.of("ChangeEvent: an array", ChangeEvent.class, bytes("[1]"), "must be a JSON object"));
        cases.add(Arguments.of("ChangeEvent: empty value", ChangeEvent.class, new byte[0], "empty"));
        cases.add(Arguments.of("ChangeEvent: op missing", ChangeEvent.class,
                bytes("{\"after\":{\"user_id\":\"u-1\"},\"ts_ms\":1}"), "missing required field 'op'"));
        cases.add(Arguments.of("ChangeEvent: op unknown", ChangeEvent.class,
                bytes("{\"op\":\"x\",\"after\":{},\"ts_ms\":1}"), "field 'op' must be one of"));
        cases.add(Arguments.of("ChangeEvent: after not an object", ChangeEvent.class,
                bytes("{\"op\":\"c\",\"after\":[1],\"ts_ms\":1}"), "field 'after' must be an object"));
        cases.add(Arguments.of("ChangeEvent: ts_ms missing", ChangeEvent.class,
                bytes("{\"op\":\"c\",\"after\":{\"user_id\":\"u-1\"}}"), "missing required field 'source.ts_ms'"));
        cases.add(Arguments.of("ChangeEvent: ts_ms a fraction", ChangeEvent.class, bytes(change.formatted("1.5")),
                "'source.ts_ms' must be an integer"));
        cases.add(Arguments.of("ChangeEvent: before 1970", ChangeEvent.class, bytes(change.formatted("-5")), "before 1970"));
        cases.add(Arguments.of("ChangeEvent: far future", ChangeEvent.class, bytes(change.formatted("4102444800000")),
                "ahead of the wall clock"));
        cases.add(Arguments.of("ChangeEvent: duplicate key", ChangeEvent.class,
                bytes("{\"op\":\"c\",\"op\":\"d\",\"after\":{\"user_id\":\"u-1\"},\"ts_ms\":1}"), "duplicate field 'op'"));
        return cases.stream();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldAcceptGoodInputAndRejectEachKindOfBadInputWithAMessageNamingIt(String kind, Class<? extends Event> type,
                                                                             byte[] value, String message) {
        EventSerde<? extends Event> serde = new EventSerde<>(type, MAX_BYTES, Duration.ofHours(1), TestTimes.CLOCK);
        if (message == null) {
            assertThat(serde.parse(value)).isInstanceOf(type);
        } else {
            assertThatThrownBy(() -> serde.parse(value)).isInstanceOf(InvalidEventException.class)
                    .hasMessageContaining(message);
        }
    }
}
