package dev.streamworks.cdc.domain;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One record of the change feed: a row image, what happened to it, at which source position and
 * commit time.
 */
public record FeedRecord(ChangeType type, Map<String, Object> row, SourcePosition position, Instant committedAt) {

    public static final String CHANGE_TYPE = "_change_type";
    public static final String COMMIT_VERSION = "_commit_version";
    public static final String COMMIT_TIMESTAMP = "_commit_timestamp";

    /** The feed's value: the row's columns, then {@code _change_type}, {@code _commit_version}, {@code _commit_timestamp}. */
    public Map<String, Object> toValue() {
        Map<String, Object> value = new LinkedHashMap<>(row);
        value.put(CHANGE_TYPE, type.label());
        value.put(COMMIT_VERSION, position.commitVersion());
        value.put(COMMIT_TIMESTAMP, committedAt.toString());
        return value;
    }
}
