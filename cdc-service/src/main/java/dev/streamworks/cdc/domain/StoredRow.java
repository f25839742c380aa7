package dev.streamworks.cdc.domain;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the service's table holds for one key: the row as last applied (null after a delete, kept
 * as a marker so a replayed older insert cannot bring the row back), the position of that change
 * and its commit time.
 *
 * @param row         the row's columns, or null when deleted
 * @param position    source position of the change last applied to this key
 * @param committedAt {@code source.ts_ms} of that change
 */
public record StoredRow(Map<String, Object> row, SourcePosition position, Instant committedAt) {

    public StoredRow {
        row = row == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(row));
    }

    public static StoredRow deleted(SourcePosition position, Instant committedAt) {
        return new StoredRow(null, position, committedAt);
    }

    /** Whether the row exists (was not deleted). */
    public boolean live() {
        return row != null;
    }
}
