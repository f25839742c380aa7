package dev.streamworks.cdc.domain;

import dev.streamworks.common.event.ChangeEvent;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The ordered, idempotent upsert of one change into one key of the table (docs/topics.md,
 * cdc-service). Pure: given what the table holds for the key and the change, it says what the table holds
 * next, what the compacted table topic receives and which change feed records follow.
 * <ul>
 *   <li>A change whose position is not after the one last applied to the key, or not after the
 *       table's last truncate, is skipped: a replay or a duplicate changes nothing.</li>
 *   <li>{@code c}, {@code r}, {@code u}: an upsert. A key without a live row gets {@code insert}
 *       (an update of a key the table never saw is an insert, its earlier history being
 *       unknown); a live row gets {@code update_preimage} (the row as the table held it) and
 *       {@code update_postimage} (the new {@code after}).</li>
 *   <li>{@code d}: a live row is deleted, with a {@code delete} record of the row as the table held
 *       it (Debezium's {@code before} may be key-only). A key without a live row only records the
 *       position; nothing is emitted.</li>
 * </ul>
 * Truncates concern every key and are handled by {@link #truncates}.
 */
public final class RowChange {

    private RowChange() {
    }

    /**
     * The outcome of applying a change.
     *
     * @param next     what the table holds for the key afterwards (null when skipped)
     * @param emit     whether the table topic receives {@link #tableValue}
     * @param tableValue the row for the compacted topic; null is a tombstone
     * @param feed     the change feed records, in order
     */
    public record Outcome(boolean skipped, StoredRow next, boolean emit, Map<String, Object> tableValue,
                          List<FeedRecord> feed) {

        static Outcome skip() {
            return new Outcome(true, null, false, null, List.of());
        }
    }

    /**
     * @param current     what the table holds for the key, or null
     * @param truncatedAt position of the table's last truncate seen by this partition, or null
     * @param change      a {@code c}, {@code r}, {@code u} or {@code d} change
     */
    public static Outcome apply(StoredRow current, SourcePosition truncatedAt, SourceChange change) {
        SourcePosition position = change.position();
        if (truncatedAt != null && !position.isAfter(truncatedAt)
                || current != null && !position.isAfter(current.position())) {
            return Outcome.skip();
        }
        Instant at = change.eventTime();
        boolean live = current != null && current.live();
        ChangeEvent event = change.event();
        return switch (event.op()) {
            case CREATE, READ, UPDATE -> {
                Map<String, Object> after = event.after();
                List<FeedRecord> feed = live
                        ? List.of(new FeedRecord(ChangeType.UPDATE_PREIMAGE, current.row(), position, at),
                                new FeedRecord(ChangeType.UPDATE_POSTIMAGE, after, position, at))
                        : List.of(new FeedRecord(ChangeType.INSERT, after, position, at));
                yield new Outcome(false, new StoredRow(after, position, at), true, after, feed);
            }
            case DELETE -> live
                    ? new Outcome(false, StoredRow.deleted(position, at), true, null,
                            List.of(new FeedRecord(ChangeType.DELETE, current.row(), position, at)))
                    : new Outcome(false, StoredRow.deleted(position, at), false, null, List.of());
            case TRUNCATE -> throw new IllegalArgumentException("a truncate concerns every key; use truncates()");
        };
    }

    /**
     * Whether a truncate at {@code position} removes what the table holds for a key: only what was
     * applied before it (a row changed after the truncate, arriving first from another partition,
     * stays).
     */
    public static boolean truncates(SourcePosition position, StoredRow stored) {
        return position.isAfter(stored.position());
    }
}
