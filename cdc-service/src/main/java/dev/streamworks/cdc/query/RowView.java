package dev.streamworks.cdc.query;

import dev.streamworks.cdc.domain.StoredRow;

import java.time.Instant;
import java.util.Map;

/**
 * One row as the REST API shows it: the key, the row's columns as the table holds them, and the
 * change that last wrote it.
 */
record RowView(String key, Map<String, Object> row, String commitVersion, Instant commitTimestamp) {

    static RowView of(String key, StoredRow stored) {
        return new RowView(key, stored.row(), stored.position().commitVersion(), stored.committedAt());
    }
}
