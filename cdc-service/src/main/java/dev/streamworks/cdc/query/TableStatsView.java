package dev.streamworks.cdc.query;

import java.util.List;

/**
 * A table's counters over the partitions named: live rows, changes applied, changes skipped
 * (not newer than what the key, or the table's last truncate, already had).
 */
record TableStatsView(String table, long rows, long applied, long skipped, List<Integer> partitions) {
}
