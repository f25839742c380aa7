package dev.streamworks.cdc.domain;

/**
 * Counters of one table partition, kept in a logged store so they survive restarts and move with
 * their partition: live rows, changes applied, changes skipped (replays, duplicates, older than
 * the last truncate), and the position of the last truncate.
 *
 * @param truncatedAt position of the last truncate this partition applied, or null
 */
public record PartitionStats(long rows, long applied, long skipped, SourcePosition truncatedAt) {

    public static final PartitionStats EMPTY = new PartitionStats(0, 0, 0, null);

    public PartitionStats skip() {
        return new PartitionStats(rows, applied, skipped + 1, truncatedAt);
    }

    /** One change applied, changing the number of live rows by {@code rowDelta}. */
    public PartitionStats apply(long rowDelta) {
        return new PartitionStats(rows + rowDelta, applied + 1, skipped, truncatedAt);
    }

    /** A truncate applied at {@code position} that removed {@code removedRows} live rows. */
    public PartitionStats truncate(SourcePosition position, long removedRows) {
        return new PartitionStats(rows - removedRows, applied + 1, skipped, position);
    }

    public PartitionStats plus(PartitionStats other) {
        return new PartitionStats(rows + other.rows, applied + other.applied, skipped + other.skipped, truncatedAt);
    }
}
