package dev.streamworks.cdc;

import java.time.Instant;
import java.util.Locale;

/**
 * Debezium change events as JSON text, shaped like the MySQL connector writes them without the
 * schema envelope: {@code op}, {@code before}, {@code after}, {@code source} with the binlog
 * position, {@code ts_ms}. Rows are JSON object text ({@link #user}).
 */
public final class Changes {

    private Changes() {
    }

    /** A {@code users} row. */
    public static String user(int id, String name, String segment) {
        return String.format(Locale.ROOT, "{\"user_id\":%d,\"name\":\"%s\",\"user_segment\":\"%s\"}", id, name, segment);
    }

    /** Debezium's key struct of a {@code users} row. */
    public static String userKey(int id) {
        return "{\"user_id\":" + id + "}";
    }

    public static String mysql(String op, String before, String after, long pos, int row, Instant at) {
        return mysql(op, before, after, "mysql-bin.000003", pos, row, at);
    }

    public static String mysql(String op, String before, String after, String file, long pos, int row, Instant at) {
        return String.format(Locale.ROOT, "{\"before\":%s,\"after\":%s,\"source\":{\"version\":\"2.7.0.Final\","
                        + "\"connector\":\"mysql\",\"name\":\"prod\",\"ts_ms\":%d,\"snapshot\":\"%s\",\"db\":\"prod\","
                        + "\"table\":\"users\",\"server_id\":223344,\"file\":\"%s\",\"pos\":%d,\"row\":%d},"
                        + "\"op\":\"%s\",\"ts_ms\":%d}",
                before, after, at.toEpochMilli(), op.equals("r") ? "true" : "false", file, pos, row, op,
                at.toEpochMilli() + 120);
    }

    public static String insert(String after, long pos, Instant at) {
        return mysql("c", null, after, pos, 0, at);
    }

    public static String snapshotRead(String after, long pos, Instant at) {
        return mysql("r", null, after, pos, 0, at);
    }

    public static String update(String before, String after, long pos, Instant at) {
        return mysql("u", before, after, pos, 0, at);
    }

    public static String delete(String before, long pos, Instant at) {
        return mysql("d", before, null, pos, 0, at);
    }

    /** A PostgreSQL-shaped event (for truncates, which MySQL's connector does not emit). */
    public static String postgres(String op, String before, String after, String sequence, long lsn, Instant at) {
        return String.format(Locale.ROOT, "{\"before\":%s,\"after\":%s,\"source\":{\"version\":\"2.7.0.Final\","
                        + "\"connector\":\"postgresql\",\"name\":\"prod\",\"ts_ms\":%d,\"snapshot\":\"false\","
                        + "\"db\":\"prod\",\"sequence\":%s,\"schema\":\"public\",\"table\":\"users\",\"txId\":42,"
                        + "\"lsn\":%d},\"op\":\"%s\",\"ts_ms\":%d}",
                before, after, at.toEpochMilli(), sequence == null ? "null" : "\"" + sequence.replace("\"", "\\\"") + "\"",
                lsn, op, at.toEpochMilli() + 50);
    }
}
