package dev.streamworks.faults;

import dev.streamworks.common.serde.Json;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Bad input of every kind docs/ and issue 13 name, made from a good record of each input:
 * values that are not a JSON object, of every size limit, broken fields and broken timestamps.
 * Each is sent with a null key (the key of an input is untrusted). {@link Poison#good} marks the
 * few that are valid input (just under {@code streamworks.max-record-bytes}) and {@link Poison#skipped}
 * those a service ignores by contract (a Debezium tombstone).
 */
final class PoisonCorpus {

    /** The services' default {@code streamworks.max-record-bytes}. */
    static final int MAX_RECORD_BYTES = 1024 * 1024;

    /** One record of the corpus. */
    record Poison(String topic, String kind, byte[] value, boolean good, boolean skipped) {

        boolean bad() {
            return !good && !skipped;
        }
    }

    /** Per event input: a field that is required text, a number that must not be negative, the event-time field. */
    private record Fields(String text, String nonNegative, String time) {
    }

    private static final Map<String, Fields> FIELDS = Map.of(
            "iot-telemetry", new Fields("device_id", "humidity", "event_timestamp"),
            "transactions", new Fields("user_id", "amount", "transaction_time"),
            "user-clicks", new Fields("user_id", "price", "timestamp"),
            "user-impressions", new Fields("user_id", null, "impression_time"));

    /** Debezium topics: a null value is a tombstone, skipped by contract; their rows are the user's. */
    private static final List<String> CHANGE_TOPICS = List.of("mysql.prod.users", "cdc.users");

    /**
     * clickstream reads {@code cdc.users} (cdc-service's table) as a global table and enriches a user
     * whose row it cannot read as {@code unknown}, with a WARN line, instead of dead-lettering the
     * row as the bad-input rule of docs/README.md says: reported, counted as skipped here until decided.
     */
    private static final String LENIENT_TABLE = "cdc.users";

    private PoisonCorpus() {
    }

    /** The corpus for {@code topic}, made from {@code good}, a valid value of it; {@code now} is the wall clock. */
    static List<Poison> of(String topic, String good, Instant now) {
        List<Poison> corpus = new ArrayList<>();
        boolean change = CHANGE_TOPICS.contains(topic);
        bad(corpus, topic, "not JSON", "this is not json");
        bad(corpus, topic, "truncated JSON", good.substring(0, good.length() / 2));
        bad(corpus, topic, "JSON array", "[" + good + "]");
        bad(corpus, topic, "JSON string", "\"" + topic + "\"");
        bad(corpus, topic, "JSON null", "null");
        corpus.add(new Poison(topic, "empty value", new byte[0], false, topic.equals(LENIENT_TABLE)));
        corpus.add(new Poison(topic, "null value", null, false, change));
        byte[] invalid = good.getBytes(StandardCharsets.UTF_8);
        invalid[invalid.length / 2] = (byte) 0xC3;
        invalid[invalid.length / 2 + 1] = (byte) 0x28;
        corpus.add(new Poison(topic, "invalid UTF-8", invalid, false, topic.equals(LENIENT_TABLE)));
        bad(corpus, topic, "deeply nested", "{\"x\":" + "[".repeat(2000) + "]".repeat(2000) + "}");
        String firstKey = good.substring(good.indexOf('"') + 1, good.indexOf('"', good.indexOf('"') + 1));
        bad(corpus, topic, "duplicate key", good.replaceFirst("\\{", "{\"" + firstKey + "\":\"other\","));
        corpus.add(new Poison(topic, "10 MB value", padded(good, 10 * 1024 * 1024), false, topic.equals(LENIENT_TABLE)));
        corpus.add(new Poison(topic, "just over max-record-bytes", padded(good, MAX_RECORD_BYTES + 1), false,
                topic.equals(LENIENT_TABLE)));
        if (!topic.equals("cdc.users")) {
            // valid input: counted like any record (the run it is compared with has it too)
            corpus.add(new Poison(topic, "just under max-record-bytes", padded(good, MAX_RECORD_BYTES), true, false));
        }
        Fields fields = FIELDS.get(topic);
        if (fields != null) {
            ObjectNode node = (ObjectNode) Json.mapper().readTree(good);
            bad(corpus, topic, fields.text() + " missing", without(node, fields.text()));
            bad(corpus, topic, fields.text() + " null", with(node, fields.text(), "null"));
            bad(corpus, topic, fields.text() + " wrong type", with(node, fields.text(), "7"));
            if (fields.nonNegative() != null) {
                bad(corpus, topic, fields.nonNegative() + " NaN", with(node, fields.nonNegative(), "NaN"));
                bad(corpus, topic, fields.nonNegative() + " Infinity", with(node, fields.nonNegative(), "Infinity"));
                bad(corpus, topic, fields.nonNegative() + " 1e309", with(node, fields.nonNegative(), "1e309"));
                bad(corpus, topic, fields.nonNegative() + " negative", with(node, fields.nonNegative(), "-1"));
                bad(corpus, topic, fields.nonNegative() + " text", with(node, fields.nonNegative(), "\"12\""));
            }
            bad(corpus, topic, "timestamp unparseable", with(node, fields.time(), "\"yesterday\""));
            bad(corpus, topic, "timestamp far in the future",
                    with(node, fields.time(), "\"" + now.plusSeconds(2 * 86_400) + "\""));
            bad(corpus, topic, "timestamp before 1970", with(node, fields.time(), "\"1969-07-20T20:17:40Z\""));
            bad(corpus, topic, "timestamp with an odd offset", with(node, fields.time(), "\"2025-12-09T13:00:00+25:00\""));
        }
        if (topic.equals("mysql.prod.users")) {
            bad(corpus, topic, "op missing", "{\"after\":{\"user_id\":\"u-1\"},\"ts_ms\":1}");
            bad(corpus, topic, "op unknown", "{\"op\":\"x\",\"after\":{\"user_id\":\"u-1\"},\"ts_ms\":1}");
            bad(corpus, topic, "source.ts_ms far in the future", "{\"op\":\"c\",\"after\":{\"user_id\":\"u-1\"},"
                    + "\"source\":{\"ts_ms\":" + now.plusSeconds(2 * 86_400).toEpochMilli() + "}}");
        }
        return corpus;
    }

    private static void bad(List<Poison> corpus, String topic, String kind, String value) {
        corpus.add(new Poison(topic, kind, value.getBytes(StandardCharsets.UTF_8), false, topic.equals(LENIENT_TABLE)));
    }

    /** {@code good} with an unknown field added at its start so that it takes exactly {@code size} bytes. */
    static byte[] padded(String good, int size) {
        String prefix = "{\"padding\":\"";
        String suffix = "\"," + good.substring(1);
        int fill = size - prefix.length() - suffix.getBytes(StandardCharsets.UTF_8).length;
        char[] pad = new char[Math.max(0, fill)];
        Arrays.fill(pad, 'x');
        return (prefix + new String(pad) + suffix).getBytes(StandardCharsets.UTF_8);
    }

    private static String without(ObjectNode node, String field) {
        ObjectNode copy = node.deepCopy();
        copy.remove(field);
        return Json.mapper().writeValueAsString(copy);
    }

    /** {@code node} with {@code field} replaced by raw JSON text (which may be invalid JSON, as NaN is). */
    private static String with(ObjectNode node, String field, String rawJson) {
        ObjectNode copy = node.deepCopy();
        copy.put(field, "__RAW__");
        return Json.mapper().writeValueAsString(copy).replace("\"__RAW__\"", rawJson);
    }
}
