package dev.streamworks.cdc.domain;

import dev.streamworks.common.event.InvalidEventException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a change sits in its source database's log, the order in which changes to one row are
 * applied (docs/topics.md, cdc-service). Read from the {@code source} block of a Debezium event:
 * PostgreSQL's {@code sequence}/{@code lsn}, MySQL's {@code file}/{@code pos}/{@code row}. Snapshot
 * reads carry the snapshot's position, so all reads of one snapshot share it.
 */
public sealed interface SourcePosition permits PostgresPosition, MySqlPosition {

    /** The {@code connector} name written into the store, also Debezium's {@code source.connector}. */
    String connector();

    /**
     * Whether this change comes after {@code applied}, the position last applied to a row. A
     * position of another connector (the table's source was switched) counts as newer: the
     * newest source wins, as its changes are the only ones still arriving.
     */
    boolean isAfter(SourcePosition applied);

    /** The position as the change feed's {@code _commit_version} writes it. */
    String commitVersion();

    /** The position as stored with each row (plain JSON values). */
    Map<String, Object> toMap();

    /**
     * Reads the position of a Debezium {@code source} block: MySQL when it has {@code file} and
     * {@code pos}, PostgreSQL when it has {@code sequence} or {@code lsn}.
     *
     * @throws InvalidEventException when there is no position, or a malformed one
     */
    static SourcePosition of(Map<String, Object> source) {
        if (source == null) {
            throw new InvalidEventException("missing required field 'source' (the change's position)");
        }
        if (source.get("file") != null || source.get("pos") != null) {
            return MySqlPosition.of(source);
        }
        if (source.get("sequence") != null || source.get("lsn") != null) {
            return PostgresPosition.of(source);
        }
        throw new InvalidEventException("field 'source' has no position: expected 'sequence' or 'lsn' "
                + "(PostgreSQL) or 'file' and 'pos' (MySQL)");
    }

    /** Reads {@link #toMap()} back. */
    static SourcePosition fromMap(Map<String, Object> stored) {
        Object connector = stored.get("connector");
        if (MySqlPosition.CONNECTOR.equals(connector)) {
            return MySqlPosition.of(stored);
        }
        if (PostgresPosition.CONNECTOR.equals(connector)) {
            return new PostgresPosition(Numbers.bigInteger(stored.get("commit_lsn"), "commit_lsn"),
                    Numbers.bigInteger(stored.get("event_lsn"), "event_lsn"));
        }
        throw new IllegalArgumentException("not a stored source position: " + stored);
    }

    /** A map with the connector first, for {@link #toMap()}. */
    static Map<String, Object> stored(String connector) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("connector", connector);
        return map;
    }
}
