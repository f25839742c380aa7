package dev.streamworks.common.event;

import com.fasterxml.jackson.annotation.JsonCreator;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * A Debezium change event as written by Kafka Connect's {@code JsonConverter}, with or without
 * the {@code schema}/{@code payload} envelope. Rows ({@code before}, {@code after}) stay plain
 * maps of column values: the tables are the user's, not ours. Tombstones (null values) never
 * become a {@code ChangeEvent}; the reader of the topic handles them.
 */
public record ChangeEvent(Op op, Map<String, Object> before, Map<String, Object> after,
                          Map<String, Object> source, Long tsMs) implements Event {

    /** Debezium's operation codes. */
    public enum Op {
        CREATE("c"), READ("r"), UPDATE("u"), DELETE("d"), TRUNCATE("t");

        private final String code;

        Op(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Op ofCode(String code) {
            return Arrays.stream(values()).filter(op -> op.code.equals(code)).findFirst()
                    .orElseThrow(() -> new InvalidEventException(
                            "field 'op' must be one of c, r, u, d, t, was '" + code + "'"));
        }
    }

    public ChangeEvent {
        Require.present(op, "op");
        if ((op == Op.CREATE || op == Op.READ || op == Op.UPDATE) && after == null) {
            throw new InvalidEventException("field 'after' is required for op '" + op.code() + "'");
        }
        if (op == Op.DELETE && before == null && after == null) {
            throw new InvalidEventException("field 'before' is required for op 'd'");
        }
        if (sourceTsMs(source) == null && tsMs == null) {
            throw new InvalidEventException("missing required field 'source.ts_ms' (or 'ts_ms')");
        }
    }

    /** Reads the converter's output, unwrapping {@code {"schema": ..., "payload": ...}} when present. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static ChangeEvent fromJson(Map<String, Object> json) {
        Map<String, Object> body = json;
        if (json.containsKey("payload") && json.containsKey("schema")) {
            body = asMap(json.get("payload"), "payload");
            Require.present(body, "payload");
        }
        Object op = body.get("op");
        if (op != null && !(op instanceof String)) {
            throw new InvalidEventException("field 'op' must be a string");
        }
        return new ChangeEvent(op == null ? null : Op.ofCode((String) op),
                asMap(body.get("before"), "before"), asMap(body.get("after"), "after"),
                asMap(body.get("source"), "source"), asLong(body.get("ts_ms"), "ts_ms"));
    }

    /** When the change happened in the source database ({@code source.ts_ms}, else {@code ts_ms}). */
    @Override
    public Instant eventTime() {
        Long sourceTs = sourceTsMs(source);
        return Instant.ofEpochMilli(sourceTs != null ? sourceTs : tsMs);
    }

    private static Long sourceTsMs(Map<String, Object> source) {
        return source == null ? null : asLong(source.get("ts_ms"), "source.ts_ms");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value, String field) {
        if (value == null || value instanceof Map) {
            return (Map<String, Object>) value;
        }
        throw new InvalidEventException("field '" + field + "' must be an object");
    }

    private static Long asLong(Object value, String field) {
        if (value == null) {
            return null;
        }
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        throw new InvalidEventException("field '" + field + "' must be an integer");
    }
}
